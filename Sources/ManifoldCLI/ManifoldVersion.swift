/// The version `manifold --version` prints, and the man page and `make install` carry: the
/// one place it is written. Bumped by hand at a release.
enum ManifoldVersion {
    static let current = "0.1.0"
}
