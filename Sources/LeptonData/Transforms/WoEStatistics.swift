import Foundation

/// The statistics of one bin of a ``WeightOfEvidence`` column.
///
/// With `G` and `B` the totals of non-events ("goods") and events ("bads") in the training data and `gᵢ`,
/// `bᵢ` the bin's counts, the distributions are `%goodᵢ = gᵢ / G` and `%badᵢ = bᵢ / B`, and
///
///     WoEᵢ = ln(%goodᵢ / %badᵢ)          IVᵢ = (%goodᵢ − %badᵢ) · WoEᵢ
///
/// **Smoothing:** an empty cell would make WoE infinite, so a zero count (`gᵢ = 0` or `bᵢ = 0`) is replaced by
/// 0.5 in both formulas; other counts and the totals are used as they are.
/// Positive WoE means fewer events than average (lower risk when the event is default).
public struct WoEBin: Sendable, Codable, Equatable {
    /// A readable description: `[25, 33)` for a numeric bin, the category, or `missing`.
    public let label: String
    /// Training rows in the bin.
    public let count: Int
    /// Non-event rows (target ≠ event).
    public let goods: Int
    /// Event rows (target = event).
    public let bads: Int
    /// `bads / count` (0 for an empty bin).
    public let eventRate: Double
    /// The weight of evidence.
    public let woe: Double
    /// The bin's contribution to the column's information value.
    public let informationValue: Double

    /// The statistics of a bin with `goods` and `bads` rows, out of totals `totalGoods` and `totalBads`.
    init(label: String, goods: Int, bads: Int, totalGoods: Int, totalBads: Int) {
        self.label = label
        self.goods = goods
        self.bads = bads
        count = goods + bads
        eventRate = count == 0 ? 0 : Double(bads) / Double(count)
        let goodShare = (goods == 0 ? 0.5 : Double(goods)) / Double(totalGoods)
        let badShare = (bads == 0 ? 0.5 : Double(bads)) / Double(totalBads)
        woe = Foundation.log(goodShare / badShare)
        informationValue = (goodShare - badShare) * woe
    }
}

/// Goods and bads of a run of adjacent training rows: the unit that supervised binning merges.
struct BinCounts: Equatable {
    var goods: Int
    var bads: Int

    var count: Int { goods + bads }
    var eventRate: Double { count == 0 ? 0 : Double(bads) / Double(count) }

    static func + (left: BinCounts, right: BinCounts) -> BinCounts {
        BinCounts(goods: left.goods + right.goods, bads: left.bads + right.bads)
    }

    /// The bin's information value against the totals, with ``WoEBin``'s smoothing.
    func informationValue(totalGoods: Int, totalBads: Int) -> Double {
        WoEBin(label: "", goods: goods, bads: bads, totalGoods: totalGoods, totalBads: totalBads).informationValue
    }
}
