#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names in the open directory `directory`, without `.` and `..`; the descriptor stays
/// open and unmoved (the listing reads through a descriptor of its own).
///
/// Each name is read up to its NUL through a pointer into readdir's record. Copying
/// `d_name` as a value would read all 256 bytes of the array, past the end of a record that
/// is only as long as its name (ASan: heap-buffer-overflow on the last entry of a buffer).
func directoryNames(_ directory: Int32) -> [String] {
    guard let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return [] }
    let fd = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    guard let stream = fdopendir(fd) else {
        close(fd)
        return []
    }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
        let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
