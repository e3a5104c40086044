/// Thrown by a consumer of a pushed stream (``BlobInput/stream(name:write:)``) to end it
/// early — it has all the bytes it wants — and caught by that same consumer: never an error
/// anyone sees.
struct StreamStop: Error {}
