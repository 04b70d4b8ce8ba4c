// mpi-collective-check: MPICollective against InProcessCollective on random data.
//
//   mpirun -np 3 .build/debug/mpi-collective-check
//
// Every rank draws every rank's random buffer (from seeds, so all processes agree), reduces its own over MPI and
// all of them with an in-process job of the same size, and compares bit for bit: sums and means for sizes that do
// and do not divide by the rank count (and smaller than it), a broadcast and an all-gather. MPI's own
// MPI_Allreduce, whose summation order is the library's, is compared within a rounding bound as an independent
// check of the values. Exits 1 on any difference; rank 0 prints one line per size and a summary.

import Foundation
import Lepton
import LeptonMPI

/// The buffer rank `rank` contributes for a size: normal values of varied magnitude, seeded by size and rank.
func contribution(rank: Int, count: Int) -> [Float] {
    guard count > 0 else { return [] }
    var generator = RandomGenerator(seed: UInt64(count) &* 1_000_003 &+ UInt64(rank))
    let scale = Tensor.uniform([count], in: -4...4, using: &generator).scalars.map { Float(pow(10, Double($0))) }
    return zip(Tensor.normal([count], using: &generator).scalars, scale).map(*)
}

do {
    let mpi = try MPICollective(timeout: 120)
    let (rank, size) = (mpi.rank, mpi.size)
    var counts: [Int] = []
    for count in [0, 1, 2, 3, 5, 7, size - 1, size + 1, 1000, 1001, 4097, 65_537, 1_000_003]
    where !counts.contains(count) {
        counts.append(count)
    }
    var failures: [String] = []
    for count in counts {
        let inputs = (0..<size).map { contribution(rank: $0, count: count) }
        let expected = try InProcessCollective.run(size: size) { collective in
            var sum = inputs[collective.rank]
            try collective.allReduce(&sum, .sum)
            var mean = inputs[collective.rank]
            try collective.allReduce(&mean, .mean)
            return [sum, mean]
        }[rank].get()
        var sum = inputs[rank]
        try mpi.allReduce(&sum, .sum)
        var mean = inputs[rank]
        try mpi.allReduce(&mean, .mean)
        var native = inputs[rank]
        try mpi.nativeAllReduceSum(&native)
        let sumDifferences = zip(sum, expected[0]).filter { $0.bitPattern != $1.bitPattern }.count
        let meanDifferences = zip(mean, expected[1]).filter { $0.bitPattern != $1.bitPattern }.count
        // MPI's own order may round differently: within 2·p·eps of the sum of magnitudes.
        var nativeOutside = 0
        let nativeIdentical = zip(native, sum).filter { $0.bitPattern == $1.bitPattern }.count
        for index in 0..<count {
            let magnitude = inputs.reduce(Float(0)) { $0 + abs($1[index]) }
            if abs(native[index] - sum[index]) > 2 * Float(size) * Float.ulpOfOne * magnitude { nativeOutside += 1 }
        }
        if sumDifferences + meanDifferences + nativeOutside > 0 {
            failures.append(
                "rank \(rank), \(count) elements: \(sumDifferences) sums and \(meanDifferences) means differ from "
                    + "InProcessCollective, \(nativeOutside) outside the rounding bound of MPI_Allreduce")
        }
        if rank == 0 {
            print(
                "\(count) elements on \(size) ranks: MPI ring == in-process (sum \(sumDifferences == 0), mean "
                    + "\(meanDifferences == 0)); MPI_Allreduce within rounding: \(nativeOutside == 0) "
                    + "(bit-identical to the ring: \(nativeIdentical) of \(count))")
        }
    }
    var broadcast = contribution(rank: rank, count: 1001)
    try mpi.broadcast(&broadcast, root: size - 1)
    if broadcast != contribution(rank: size - 1, count: 1001) { failures.append("rank \(rank): broadcast differs") }
    let gathered = try mpi.allGather([Double(rank), Double(rank) * 0.1, .pi])
    if gathered != (0..<size).map({ [Double($0), Double($0) * 0.1, .pi] }) {
        failures.append("rank \(rank): allGather gave \(gathered)")
    }
    try mpi.barrier()
    let everyone = try mpi.allGather([Double(failures.count)])
    for failure in failures { FileHandle.standardError.write(Data("mpi-collective-check: \(failure)\n".utf8)) }
    let total = everyone.reduce(0) { $0 + Int($1[0]) }
    if rank == 0 {
        print("mpi-collective-check: \(counts.count) sizes on \(size) ranks, \(total) failures")
    }
    try mpi.finalize()
    exit(total == 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("mpi-collective-check: error: \(error)\n".utf8))
    exit(1)
}
