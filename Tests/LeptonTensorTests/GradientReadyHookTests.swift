import LeptonKernels
import LeptonTensor
import Testing

/// `backward(onGradientReady:)`: each leaf's gradient is reported once, as soon as it is final, and equals the
/// plain `backward()`'s.
@Suite("Gradient-ready hook")
struct GradientReadyHookTests {
    /// Events in the order they happened (the pullback runs inside backward, on the caller's thread).
    final class EventLog: Sendable {
        private let entries = PthreadMutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// A two-layer computation whose first layer's pullback is logged, so the test can tell which gradients were
    /// reported before the first layer's backward ran.
    static func loss(log: EventLog, x: Tensor, w1: Tensor, w2: Tensor, b2: Tensor) -> Tensor {
        let hidden = matmul(x, w1)
        let logged = Tensor.customGradient(hidden, inputs: [hidden], name: "logged") { gradient in
            log.append("first layer backward")
            return [gradient]
        }
        return (matmul(logged.relu(), w2) + b2).squared().sum()
    }

    @Test func laterLayersAreReportedFirstOnceEachWithTheFinalGradient() {
        var generator = RandomGenerator(seed: 4)
        let x = Tensor.normal([5, 3], using: &generator)
        let w1 = Tensor.normal([3, 4], using: &generator).requiringGradient()
        let w2 = Tensor.normal([4, 2], using: &generator).requiringGradient()
        let b2 = Tensor.normal([2], using: &generator).requiringGradient()
        let leaves = [("w1", w1), ("w2", w2), ("b2", b2)]
        let names = Dictionary(
            uniqueKeysWithValues: leaves.compactMap { name, leaf in leaf.gradientID.map { ($0, name) } })
        #expect(names.count == 3)

        let plain = Self.loss(log: EventLog(), x: x, w1: w1, w2: w2, b2: b2).backward()
        let log = EventLog()
        var reported: [String: Tensor] = [:]
        let hooked = Self.loss(log: log, x: x, w1: w1, w2: w2, b2: b2).backward { id, gradient in
            let name = names[id] ?? "unknown"
            log.append("ready \(name)")
            #expect(reported[name] == nil, "\(name) reported twice")
            reported[name] = gradient
        }

        let events = log.all
        #expect(events.filter { $0.hasPrefix("ready") }.count == 3, "\(events)")
        let firstLayer = events.firstIndex(of: "first layer backward") ?? -1
        for later in ["ready w2", "ready b2"] {
            let index = events.firstIndex(of: later) ?? Int.max
            #expect(index < firstLayer, "\(later) should come before the first layer's backward: \(events)")
        }
        #expect((events.firstIndex(of: "ready w1") ?? -1) > firstLayer, "\(events)")
        for (id, name) in names {
            let expected = plain[id]?.scalars ?? []
            #expect(!expected.isEmpty)
            #expect(reported[name]?.scalars == expected, "\(name): reported gradient differs from backward()'s")
            #expect(hooked[id]?.scalars == expected, "\(name): returned gradient differs from backward()'s")
        }
    }
}
