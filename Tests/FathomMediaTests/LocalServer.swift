import Foundation

/// A helper process serving on 127.0.0.1 for one test, stopped when released: Python's
/// http.server over a directory, or a TCP server that accepts connections and never answers.
final class LocalServer {
    private let process = Process()
    let port: Int

    /// Serves the files of `directory` over HTTP.
    static func http(serving directory: String) throws -> LocalServer {
        try LocalServer(["-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory])
    }

    /// Accepts up to 8 connections and answers nothing for 60 s: a stalled network source.
    static func silent() throws -> LocalServer {
        try LocalServer(["-c", """
            import socket, sys, time
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
            print("Serving on port", s.getsockname()[1], flush=True)
            held = [s.accept() for _ in range(8)]
            time.sleep(60)
            """])
    }

    private init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Both servers announce "... port <n> ..." on their first line.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            kill(process.processIdentifier, SIGKILL)
            throw Fixtures.CommandFailed(description: "local server did not announce its port: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    /// SIGKILL, not `terminate()`: children of a test process may inherit a mask that blocks SIGTERM.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)/\(path)"
    }
}
