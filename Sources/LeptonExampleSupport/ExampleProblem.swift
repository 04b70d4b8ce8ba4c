/// A problem with an example's command line or data: the sentence the example prints before it exits.
package struct ExampleProblem: Error, CustomStringConvertible {
    /// The sentence.
    package let description: String

    /// Creates a problem.
    ///
    /// - Parameter description: The sentence to print.
    package init(description: String) { self.description = description }
}
