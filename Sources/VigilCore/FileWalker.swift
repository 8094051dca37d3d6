#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Expands command-line paths into files: regular files as given, directories recursed in
/// sorted order. Symbolic links to directories are not followed, so link loops cannot recurse.
public struct FileWalker: Sendable {
    /// Deepest directory nesting that is followed.
    public var maxDepth: Int

    public init(maxDepth: Int = 64) { self.maxDepth = maxDepth }

    /// One entry per file found, or per path that could not be walked (with its reason).
    public enum Entry: Sendable, Equatable {
        case file(String)
        case failure(path: String, reason: String)
    }

    public func expand(_ paths: [String]) -> [Entry] {
        var entries: [Entry] = []
        for path in paths { walk(path, depth: 0, explicit: true, into: &entries) }
        return entries
    }

    private func walk(_ path: String, depth: Int, explicit: Bool, into entries: inout [Entry]) {
        var info = stat()
        // Explicit arguments follow links; entries found while recursing do not.
        let status = explicit ? stat(path, &info) : lstat(path, &info)
        guard status == 0 else {
            entries.append(.failure(path: path, reason: "cannot access: \(FileInput.errnoText())"))
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard depth < maxDepth else {
                entries.append(.failure(path: path, reason: "directory nesting deeper than \(maxDepth); not entered"))
                return
            }
            guard let names = Self.list(path) else {
                entries.append(.failure(path: path, reason: "cannot list directory: \(FileInput.errnoText())"))
                return
            }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            for name in names { walk(prefix + name, depth: depth + 1, explicit: false, into: &entries) }
        case S_IFREG:
            entries.append(.file(path))
        case S_IFLNK:
            // A link found inside a directory: follow it only if it points at a regular file.
            var target = stat()
            if stat(path, &target) == 0 && (target.st_mode & S_IFMT) == S_IFREG { entries.append(.file(path)) }
        default:
            if explicit { entries.append(.failure(path: path, reason: "not a regular file or directory")) }
        }
    }

    private static func list(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
