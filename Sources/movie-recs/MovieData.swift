import Foundation
import Lepton

/// The interactions and item descriptions the example runs on, with the names to print for items.
struct MovieData {
    /// Ratings.
    let ratings: InteractionMatrix
    /// Item descriptions, when known.
    let features: ItemFeatures?
    /// Display names by item id.
    let titles: [String: String]
    /// Where the data came from, for the header.
    let source: String

    /// `ratings.csv` (userId,movieId,rating,timestamp) and optional `movies.csv` (movieId,title,genres) in `directory`.
    init(directory: URL) throws {
        ratings = try InteractionMatrix(
            csv: directory.appendingPathComponent("ratings.csv"), userColumn: "userId", itemColumn: "movieId",
            ratingColumn: "rating", timestampColumn: "timestamp", ratingScale: 0.5...5)
        let moviesURL = directory.appendingPathComponent("movies.csv")
        if FileManager.default.fileExists(atPath: moviesURL.path) {
            let features = try ItemFeatures(moviesCSV: moviesURL)
            self.features = features
            let table = try Table(
                csv: moviesURL, options: CSVReadOptions(columnTypes: ["movieId": .text, "title": .text]))
            var titles: [String: String] = [:]
            let ids = try table.column("movieId")
            let names = try table.column("title")
            for row in 0..<table.rowCount {
                if let id = ids[row].string, let name = names[row].string { titles[id] = name }
            }
            self.titles = titles
        } else {
            features = nil
            titles = [:]
        }
        source = directory.path
    }

    /// LeptonData's seeded synthetic ratings (latent-factor users and items, popularity skew, genres from the item
    /// factors). Synthetic: no real people or films.
    init(syntheticUsers users: Int, items: Int, seed: UInt64) throws {
        ratings = try SyntheticRecommendationData.ratings(users: users, items: items, factorCount: 4, seed: seed)
        let features = try SyntheticRecommendationData.itemFeatures(
            users: users, items: items, factorCount: 4, seed: seed)
        self.features = features
        var titles: [String: String] = [:]
        for (id, text) in zip(features.items, features.texts) { titles[id] = text }
        self.titles = titles
        source = "synthetic (\(users) users × \(items) items, seed \(seed); no real people or films)"
    }

    /// A printable name for an item.
    func name(_ item: String) -> String { titles[item].map { "\(item) \($0)" } ?? item }
}
