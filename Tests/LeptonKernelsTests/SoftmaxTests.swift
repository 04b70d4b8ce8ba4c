import Foundation
import Testing

@testable import LeptonKernels

private func referenceSoftmax(_ row: [Float]) -> [Double] {
    let shift = Double(row.max()!)
    let exponentials = row.map { Foundation.exp(Double($0) - shift) }
    let total = exponentials.reduce(0, +)
    return exponentials.map { $0 / total }
}

@Suite("Softmax and log-softmax against Double references")
struct SoftmaxTests {
    static let shapes = [(1, 1), (1, 7), (3, 17), (2, 129), (5, 8), (1, 1000)]

    @Test("forward is stable for huge logits", arguments: [Float(1), 80, 1000])
    func forward(scale: Float) {
        var seed: UInt64 = 10
        for (rows, columns) in Self.shapes {
            seed += 1
            var random = TestRandom(seed: seed)
            let x = random.floats(rows * columns, in: -scale...scale)
            var y = [Float](repeating: .nan, count: x.count)
            var logY = y
            y.withUnsafeMutableBufferPointer { Softmax.forward(x, $0.baseAddress!, rows: rows, columns: columns) }
            logY.withUnsafeMutableBufferPointer { Softmax.logForward(x, $0.baseAddress!, rows: rows, columns: columns) }
            for row in 0..<rows {
                let truth = referenceSoftmax(Array(x[(row * columns)..<((row + 1) * columns)]))
                for column in 0..<columns {
                    let index = row * columns + column
                    #expect(
                        abs(Double(y[index]) - truth[column]) <= 1e-6 * truth[column] + 1e-9,
                        "softmax \(rows)x\(columns)")
                    if truth[column] > 1e-300 {
                        let logTruth = Foundation.log(truth[column])
                        #expect(
                            abs(Double(logY[index]) - logTruth) <= 2e-6 * (abs(logTruth) + 1),
                            "log-softmax \(rows)x\(columns)")
                    }
                }
            }
        }
    }

    @Test("backward passes, with and without accumulate")
    func backward() {
        var seed: UInt64 = 40
        for (rows, columns) in Self.shapes {
            for accumulate in [false, true] {
                seed += 1
                var random = TestRandom(seed: seed)
                let x = random.floats(rows * columns, in: -3...3)
                let dy = random.floats(rows * columns)
                let start = random.floats(rows * columns)
                var y = [Float](repeating: 0, count: x.count)
                var logY = y
                y.withUnsafeMutableBufferPointer { Softmax.forward(x, $0.baseAddress!, rows: rows, columns: columns) }
                logY.withUnsafeMutableBufferPointer {
                    Softmax.logForward(x, $0.baseAddress!, rows: rows, columns: columns)
                }
                var dx = start
                var logDx = start
                dx.withUnsafeMutableBufferPointer {
                    Softmax.backward(
                        y: y, dy: dy, dx: $0.baseAddress!, rows: rows, columns: columns, accumulate: accumulate)
                }
                logDx.withUnsafeMutableBufferPointer {
                    Softmax.logBackward(
                        y: logY, dy: dy, dx: $0.baseAddress!, rows: rows, columns: columns, accumulate: accumulate)
                }
                for row in 0..<rows {
                    let range = (row * columns)..<((row + 1) * columns)
                    let p = referenceSoftmax(Array(x[range]))
                    let projection = zip(p, dy[range]).reduce(0.0) { $0 + $1.0 * Double($1.1) }
                    let total = dy[range].reduce(0.0) { $0 + Double($1) }
                    for (column, index) in range.enumerated() {
                        let base = accumulate ? Double(start[index]) : 0
                        let truth = base + p[column] * (Double(dy[index]) - projection)
                        let logTruth = base + Double(dy[index]) - p[column] * total
                        #expect(abs(Double(dx[index]) - truth) <= 1e-6, "softmax backward \(rows)x\(columns)")
                        #expect(abs(Double(logDx[index]) - logTruth) <= 1e-5 * (1 + abs(total)), "log backward")
                    }
                }
            }
        }
    }

    @Test("backward matches finite differences of the forward kernel")
    func finiteDifferences() {
        var random = TestRandom(seed: 77)
        let columns = 9
        let x = random.floats(columns, in: -2...2)
        let upstream = random.floats(columns)
        func loss(_ input: [Float], log: Bool) -> Double {
            var y = [Float](repeating: 0, count: columns)
            y.withUnsafeMutableBufferPointer {
                if log {
                    Softmax.logForward(input, $0.baseAddress!, rows: 1, columns: columns)
                } else {
                    Softmax.forward(input, $0.baseAddress!, rows: 1, columns: columns)
                }
            }
            return zip(y, upstream).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        for log in [false, true] {
            var y = [Float](repeating: 0, count: columns)
            y.withUnsafeMutableBufferPointer {
                if log {
                    Softmax.logForward(x, $0.baseAddress!, rows: 1, columns: columns)
                } else {
                    Softmax.forward(x, $0.baseAddress!, rows: 1, columns: columns)
                }
            }
            var dx = [Float](repeating: 0, count: columns)
            dx.withUnsafeMutableBufferPointer {
                if log {
                    Softmax.logBackward(y: y, dy: upstream, dx: $0.baseAddress!, rows: 1, columns: columns)
                } else {
                    Softmax.backward(y: y, dy: upstream, dx: $0.baseAddress!, rows: 1, columns: columns)
                }
            }
            let step: Float = 1e-2
            for index in 0..<columns {
                var plus = x
                var minus = x
                plus[index] += step
                minus[index] -= step
                let estimate = (loss(plus, log: log) - loss(minus, log: log)) / Double(2 * step)
                #expect(abs(Double(dx[index]) - estimate) <= 2e-3 + 1e-2 * abs(estimate), "log \(log) index \(index)")
            }
        }
    }

    @Test("rows split over threads agree with one thread")
    func threaded() {
        var random = TestRandom(seed: 5)
        let (rows, columns) = (300, 130)
        let x = random.floats(rows * columns, in: -5...5)
        var single = [Float](repeating: 0, count: x.count)
        var multi = single
        single.withUnsafeMutableBufferPointer {
            Softmax.forward(x, $0.baseAddress!, rows: rows, columns: columns, pool: ThreadPool(threadCount: 1))
        }
        multi.withUnsafeMutableBufferPointer {
            Softmax.forward(x, $0.baseAddress!, rows: rows, columns: columns, pool: ThreadPool(threadCount: 3))
        }
        #expect(single == multi)
        let lastRow = referenceSoftmax(Array(x[((rows - 1) * columns)...]))
        #expect(abs(Double(multi[x.count - 1]) - lastRow[columns - 1]) <= 1e-6)
    }
}
