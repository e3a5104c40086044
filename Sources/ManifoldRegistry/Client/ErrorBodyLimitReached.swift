/// Thrown from the body closure of a failed request once ``RegistryClient/errorBodyLimit``
/// bytes of its error body are kept, to end the transfer there; caught by the client, which
/// goes on with the response head and what it kept.
struct ErrorBodyLimitReached: Error {}
