/// A report of an image that could not even be opened, carried where a `Result` needs an
/// error: verify reports such an image (status `unusable`) instead of throwing.
struct UnusableImage: Error {
    let report: VerificationReport
}
