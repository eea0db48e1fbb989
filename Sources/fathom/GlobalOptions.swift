import ArgumentParser
import Foundation
import Logging

/// Options every command takes: how much to log (to stderr) and whether to print JSON.
struct GlobalOptions: ParsableArguments {
    @Flag(help: "Print results as JSON on stdout (progress and logs stay on stderr).")
    var json = false

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: Logger.Level = .notice

    /// Sends swift-log output to stderr at the chosen level; call once at the start of `run`.
    func bootstrap() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Prints a value as pretty, key-sorted JSON on stdout.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Expands directories to the `.h5` files below them (sorted); files are kept as given.
func shardPaths(_ arguments: [String]) -> [String] {
    arguments.flatMap { argument -> [String] in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else { return [argument] }
        let found = FileManager.default.enumerator(atPath: argument)?.compactMap { $0 as? String } ?? []
        return found.filter { $0.hasSuffix(".h5") }.sorted().map { (argument as NSString).appendingPathComponent($0) }
    }
}

/// Writes a line to stderr (progress and diagnostics, never results).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
