/// Moves image patches to and from the rows of the im2col matrix.
///
/// Row `r` of the matrix belongs to output pixel `r` of the batch (`(n·outHeight + oh)·outWidth + ow`) and
/// holds the receptive field of that pixel in HWIO order (`kernelHeight·kernelWidth·inChannels` floats),
/// with zeros where the window hangs over the padding. Multiplying the matrix by the HWIO weights, read as
/// `[K, outChannels]`, gives the NHWC output rows.
///
/// Both directions walk one output line (fixed image and output row) per kernel tap, with the range of
/// output columns whose tap lands inside the image worked out up front, so the inner loops have no bounds
/// checks: a strided copy (gather) or add (scatter) of `inChannels` floats per output pixel.
enum Im2Col {
    /// Fills `columns` with the im2col rows `rows` (row `rows.lowerBound` first).
    static func gather(
        _ input: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
        into columns: UnsafeMutablePointer<Float>
    ) {
        forEachLineSegment(geometry: g, rows: rows) { image, outRow, outColumns, lineStart in
            let k = g.patchLength
            let channels = g.inChannels
            for kh in 0..<g.kernelHeight {
                let inRow = outRow * g.strideHeight - g.padTop + kh * g.dilationHeight
                let tapBase = columns + (lineStart - rows.lowerBound) * k + kh * g.kernelWidth * channels
                guard inRow >= 0 && inRow < g.height else {
                    for column in 0..<outColumns.count {
                        (tapBase + column * k).update(repeating: 0, count: g.kernelWidth * channels)
                    }
                    continue
                }
                let inputLine = input + (image * g.height + inRow) * g.width * channels
                for kw in 0..<g.kernelWidth {
                    let valid = validColumns(geometry: g, kw: kw, within: outColumns)
                    let target = tapBase + kw * channels - outColumns.lowerBound * k
                    for column in outColumns.lowerBound..<valid.lowerBound {
                        (target + column * k).update(repeating: 0, count: channels)
                    }
                    for column in valid.upperBound..<outColumns.upperBound {
                        (target + column * k).update(repeating: 0, count: channels)
                    }
                    let offset = kw * g.dilationWidth - g.padLeft
                    let source = inputLine + offset * channels
                    let sourceStep = g.strideWidth * channels
                    if channels == 1 {
                        for column in valid { target[column * k] = source[column * sourceStep] }
                    } else {
                        for column in valid {
                            copyChannels(from: source + column * sourceStep, to: target + column * k, count: channels)
                        }
                    }
                }
            }
        }
    }

    /// Adds the im2col rows `rows` (held in `columns`) back onto the image pixels they were gathered from:
    /// the adjoint of ``gather(_:geometry:rows:into:)``.
    static func scatterAdd(
        _ columns: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
        into image: UnsafeMutablePointer<Float>
    ) {
        forEachLineSegment(geometry: g, rows: rows) { imageIndex, outRow, outColumns, lineStart in
            let k = g.patchLength
            let channels = g.inChannels
            for kh in 0..<g.kernelHeight {
                let inRow = outRow * g.strideHeight - g.padTop + kh * g.dilationHeight
                guard inRow >= 0 && inRow < g.height else { continue }
                let tapBase = columns + (lineStart - rows.lowerBound) * k + kh * g.kernelWidth * channels
                let imageLine = image + (imageIndex * g.height + inRow) * g.width * channels
                for kw in 0..<g.kernelWidth {
                    let valid = validColumns(geometry: g, kw: kw, within: outColumns)
                    let source = tapBase + kw * channels - outColumns.lowerBound * k
                    let target = imageLine + (kw * g.dilationWidth - g.padLeft) * channels
                    let targetStep = g.strideWidth * channels
                    if channels == 1 {
                        for column in valid { target[column * targetStep] += source[column * k] }
                    } else {
                        for column in valid {
                            addChannels(from: source + column * k, to: target + column * targetStep, count: channels)
                        }
                    }
                }
            }
        }
    }

    /// Fills `columns` with the transpose of the im2col rows `rows`: element `k` of row `r` goes to
    /// `columns[k·rows.count + (r - rows.lowerBound)]`.
    ///
    /// With few input channels this layout is cheaper on both sides: the gather copies runs of neighbouring
    /// pixels (contiguous for one channel and stride 1), and GEMM packs the `[K, rows]` operand with plain
    /// loads instead of one short copy per row.
    static func gatherTransposed(
        _ input: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
        into columns: UnsafeMutablePointer<Float>
    ) {
        let leadingDimension = rows.count
        let channels = g.inChannels
        forEachLineSegment(geometry: g, rows: rows) { image, outRow, outColumns, lineStart in
            // Column `ow` of this line lands at `line + ow` in every row of the transposed matrix.
            let line = columns + (lineStart - rows.lowerBound) - outColumns.lowerBound
            for kh in 0..<g.kernelHeight {
                let inRow = outRow * g.strideHeight - g.padTop + kh * g.dilationHeight
                let inside = inRow >= 0 && inRow < g.height
                let inputLine = input + (image * g.height + max(inRow, 0)) * g.width * channels
                for kw in 0..<g.kernelWidth {
                    let valid =
                        inside
                        ? validColumns(geometry: g, kw: kw, within: outColumns)
                        : outColumns.lowerBound..<outColumns.lowerBound
                    let offset = kw * g.dilationWidth - g.padLeft
                    for channel in 0..<channels {
                        let target = line + ((kh * g.kernelWidth + kw) * channels + channel) * leadingDimension
                        (target + outColumns.lowerBound).update(
                            repeating: 0, count: valid.lowerBound - outColumns.lowerBound)
                        (target + valid.upperBound).update(
                            repeating: 0, count: outColumns.upperBound - valid.upperBound)
                        let source = inputLine + offset * channels + channel
                        let step = g.strideWidth * channels
                        if step == 1 {
                            (target + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
                        } else {
                            for column in valid { target[column] = source[column * step] }
                        }
                    }
                }
            }
        }
    }

    /// Adds the transposed im2col rows `rows` (held in `columns` as by
    /// ``gatherTransposed(_:geometry:rows:into:)``) back onto the image pixels they were gathered from.
    static func scatterAddTransposed(
        _ columns: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
        into image: UnsafeMutablePointer<Float>
    ) {
        let leadingDimension = rows.count
        let channels = g.inChannels
        forEachLineSegment(geometry: g, rows: rows) { imageIndex, outRow, outColumns, lineStart in
            let line = columns + (lineStart - rows.lowerBound) - outColumns.lowerBound
            for kh in 0..<g.kernelHeight {
                let inRow = outRow * g.strideHeight - g.padTop + kh * g.dilationHeight
                guard inRow >= 0 && inRow < g.height else { continue }
                let imageLine = image + (imageIndex * g.height + inRow) * g.width * channels
                for kw in 0..<g.kernelWidth {
                    let valid = validColumns(geometry: g, kw: kw, within: outColumns)
                    let offset = kw * g.dilationWidth - g.padLeft
                    for channel in 0..<channels {
                        let source = line + ((kh * g.kernelWidth + kw) * channels + channel) * leadingDimension
                        let target = imageLine + offset * channels + channel
                        let step = g.strideWidth * channels
                        if step == 1 {
                            let count = valid.count
                            VectorLoop.map(
                                source + valid.lowerBound, target + valid.lowerBound, target + valid.lowerBound,
                                0..<count, Add())
                        } else {
                            for column in valid { target[column * step] += source[column] }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(image, outRow, outColumns, firstRow)` for each piece of an output line covered by
    /// `rows`, where `firstRow` is the im2col row of `outColumns.lowerBound`.
    @inline(__always)
    private static func forEachLineSegment(
        geometry g: Conv2DGeometry, rows: Range<Int>, _ body: (Int, Int, Range<Int>, Int) -> Void
    ) {
        var row = rows.lowerBound
        while row < rows.upperBound {
            let line = row / g.outWidth
            let firstColumn = row - line * g.outWidth
            let lastColumn = min(g.outWidth, firstColumn + rows.upperBound - row)
            body(line / g.outHeight, line % g.outHeight, firstColumn..<lastColumn, row)
            row += lastColumn - firstColumn
        }
    }

    /// The output columns in `range` whose kernel column `kw` lands inside the image:
    /// `0 ≤ ow·stride + kw·dilation - padLeft < width`.
    @inline(__always)
    private static func validColumns(geometry g: Conv2DGeometry, kw: Int, within range: Range<Int>) -> Range<Int> {
        let offset = kw * g.dilationWidth - g.padLeft
        let first = offset >= 0 ? 0 : (-offset + g.strideWidth - 1) / g.strideWidth
        let lastInside = g.width - 1 - offset
        let end = lastInside < 0 ? 0 : lastInside / g.strideWidth + 1
        let lower = min(max(first, range.lowerBound), range.upperBound)
        let upper = max(min(end, range.upperBound), lower)
        return lower..<upper
    }

    @inline(__always)
    private static func copyChannels(
        from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int
    ) {
        var channel = 0
        while channel + vectorWidth <= count {
            target.store(source.vector(at: channel), at: channel)
            channel += vectorWidth
        }
        while channel < count {
            target[channel] = source[channel]
            channel += 1
        }
    }

    @inline(__always)
    private static func addChannels(
        from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int
    ) {
        var channel = 0
        while channel + vectorWidth <= count {
            target.store(target.vector(at: channel) + source.vector(at: channel), at: channel)
            channel += vectorWidth
        }
        while channel < count {
            target[channel] += source[channel]
            channel += 1
        }
    }
}
