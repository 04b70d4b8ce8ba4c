import LeptonLayers
import LeptonTensor

/// Averages one step's gradients over the ranks of a data-parallel job while the backward pass still runs, as
/// PyTorch's DistributedDataParallel does.
///
/// Gradients are laid out in buckets in reverse parameter order (``GradientBuckets``). The backward pass reports
/// each parameter's gradient the moment it is final (`Tensor.backward(onGradientReady:)`); the gradient is copied
/// into its bucket, and a bucket whose gradients are all in is handed to the ``CommunicationThread`` to be
/// all-reduced while the training thread computes the earlier layers' gradients. Buckets are always sent in index
/// order, so every rank makes the same sequence of collective calls even if its gradients become ready in another
/// order. The last bucket also carries, per parameter, whether this rank has a gradient for it, and the rank's loss;
/// it is sent by ``finish(loss:)`` after the backward pass, together with any bucket still incomplete (a parameter
/// the loss did not depend on).
final class OverlappedGradientReduction {
    private let parameters: [Parameter]
    private let layout: GradientBuckets
    private let collective: any Collective
    private let communication: CommunicationThread
    /// The bucket and slot of each parameter's gradient, by gradient identity.
    private let places: [GradientID: (bucket: Int, slot: Int)]
    /// One buffer per bucket (the last one followed by the presence flags and the loss); a bucket's buffer belongs
    /// to the training thread until the bucket is submitted, then to the communication thread until it is idle.
    private let buffers: [UnsafeMutableBufferPointer<Float>]
    private var filledSlots: [Int]
    private var present: [Bool]
    private var nextToSend = 0

    /// Prepares the buffers for one step.
    ///
    /// - Parameters:
    ///   - parameters: The parameters whose gradients are averaged, in model order.
    ///   - bucketBytes: The bucket capacity (``Trainer/gradientBucketBytes``).
    ///   - collective: The job's collective.
    ///   - communication: The thread that makes the collective calls.
    /// - Throws: ``CollectiveError/invalidSetting(name:value:requirement:)`` for a bad bucket capacity.
    init(
        parameters: [Parameter], bucketBytes: Int, collective: any Collective, communication: CommunicationThread
    ) throws {
        self.parameters = parameters
        self.collective = collective
        self.communication = communication
        layout = try GradientBuckets(
            elementCounts: parameters.map(\.value.elementCount), capacityBytes: bucketBytes)
        var places: [GradientID: (bucket: Int, slot: Int)] = [:]
        for (bucket, slots) in layout.buckets.enumerated() {
            for (index, slot) in slots.enumerated() { places[parameters[slot.parameter].id] = (bucket, index) }
        }
        self.places = places
        // A model without parameters still exchanges the flags and the loss, in a bucket of its own.
        var sizes = layout.bucketElementCounts
        if sizes.isEmpty { sizes = [0] }
        sizes[sizes.count - 1] += parameters.count + 1
        buffers = sizes.map { size in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: size)
            buffer.initialize(repeating: 0)
            return buffer
        }
        filledSlots = [Int](repeating: 0, count: buffers.count)
        present = [Bool](repeating: false, count: parameters.count)
    }

    deinit {
        // A step abandoned before finish(loss:) may still have buckets in flight; they write into these buffers.
        communication.drain()
        for buffer in buffers { buffer.deallocate() }
    }

    /// The index of the bucket sent last, which carries the flags and the loss.
    private var finalBucket: Int { buffers.count - 1 }

    /// Takes a final gradient from the backward pass and sends every bucket that is complete, in order.
    ///
    /// - Parameters:
    ///   - id: The identity of the leaf the gradient belongs to (other leaves are ignored).
    ///   - gradient: Its final gradient.
    func gradientReady(_ id: GradientID, _ gradient: Tensor) {
        guard let (bucket, slotIndex) = places[id] else { return }
        let slot = layout.buckets[bucket][slotIndex]
        precondition(
            gradient.elementCount == slot.count,
            "gradient of \(gradient.elementCount) values for a parameter of \(slot.count)")
        let destination = buffers[bucket]
        gradient.withUnsafeBufferPointer { values in
            for index in 0..<slot.count { destination[slot.offset + index] = values[index] }
        }
        present[slot.parameter] = true
        filledSlots[bucket] += 1
        while nextToSend < finalBucket && filledSlots[nextToSend] == layout.buckets[nextToSend].count {
            send(nextToSend)
            nextToSend += 1
        }
    }

    /// Sends the remaining buckets with this rank's flags and loss, waits for every all-reduce, and returns the
    /// mean loss and the mean gradient of every parameter at least one rank has a gradient for.
    ///
    /// - Parameter loss: This rank's loss.
    /// - Returns: The mean loss over ranks and the averaged gradients.
    /// - Throws: The collective's error.
    func finish(loss: Float) throws -> (loss: Float, gradients: Gradients) {
        while nextToSend < finalBucket {
            send(nextToSend)
            nextToSend += 1
        }
        let last = buffers[finalBucket]
        let flags = last.count - parameters.count - 1
        for index in parameters.indices { last[flags + index] = present[index] ? 1 : 0 }
        last[last.count - 1] = loss
        send(finalBucket)
        try communication.waitUntilIdle()
        var averaged: [(GradientID, Tensor)] = []
        for (bucket, slots) in layout.buckets.enumerated() {
            let buffer = buffers[bucket]
            for slot in slots where last[flags + slot.parameter] > 0 {
                let parameter = parameters[slot.parameter]
                let values = Array(buffer[slot.offset..<(slot.offset + slot.count)])
                averaged.append((parameter.id, Tensor(values, shape: parameter.shape)))
            }
        }
        return (last[last.count - 1], Gradients(averaged))
    }

    private func send(_ bucket: Int) {
        let buffer = buffers[bucket]
        let collective = collective
        communication.submit { try collective.allReduce(buffer, .mean) }
    }
}
