import FathomCore
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

extension MediaTests {
    /// Listing a corpus: directories, globs, lists, manifests, and videos over HTTP.
    @Suite struct CorpusTests {
        let directory = TemporaryDirectory("fathom-media")

        func touch(_ name: String) throws {
            let path = directory.file(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = directory.file(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test func directoryIsSearchedRecursivelyByExtension() throws {
            for name in ["b.mp4", "a/c.MKV", "a/deep/d.webm", "notes.txt", "a/sound.wav"] { try touch(name) }
            let items = try CorpusSource.directory(directory.path, extensions: CorpusSource.videoExtensions).items()
            #expect(items.map(\.source) == ["a/c.MKV", "a/deep/d.webm", "b.mp4"].map(directory.file))
            #expect(items.map(\.id) == ["c", "d", "b"])
            let onlyWebm = try CorpusSource.directory(directory.path, extensions: ["webm"]).items()
            #expect(onlyWebm.map(\.source) == [directory.file("a/deep/d.webm")])
            let missing = Fixtures.error { _ = try CorpusSource.directory(directory.file("nope"), extensions: ["mp4"]).items() }
            #expect(missing?.code == "corpus.notFound")
        }

        @Test func globExpandsSorted() throws {
            for name in ["take-2.mp4", "take-1.mp4", "take-10.mov", "other.mp4"] { try touch(name) }
            let items = try CorpusSource.glob(directory.file("take-?.mp4")).items()
            #expect(items.map(\.source) == [directory.file("take-1.mp4"), directory.file("take-2.mp4")])
            #expect(try CorpusSource.glob(directory.file("*.{mov,webm}")).items().map(\.source) == [directory.file("take-10.mov")])
            #expect(try CorpusSource.glob(directory.file("none-*.mp4")).items().isEmpty)
        }

        @Test func listResolvesRelativePathsAndKeepsURLs() throws {
            let list = try write("list.txt", """
                # videos for the test
                clips/a.mp4

                /data/b.mkv
                https://example.org/c.mp4?x=1
                """)
            let items = try CorpusSource.list(list).items()
            #expect(items.map(\.source) == [directory.file("clips/a.mp4"), "/data/b.mkv", "https://example.org/c.mp4?x=1"])
            #expect(items.map(\.isURL) == [false, false, true])
            #expect(Fixtures.error { _ = try CorpusSource.list(directory.file("none.txt")).items() }?.code == "corpus.notFound")
        }

        @Test func jsonlManifestCarriesIntrinsicsAndTimes() throws {
            let manifest = try write("corpus.jsonl", """
                {"id": "bear", "path": "clips/bear.mp4", "fx": 500, "fy": 510.5, "cx": 320, "cy": 240, "start": 2.5, "end": 4}
                {"path": "https://example.org/dog.webm"}
                """)
            let items = try CorpusSource.manifest(manifest).items()
            #expect(items == [
                CorpusItem(id: "bear", source: directory.file("clips/bear.mp4"), intrinsics: PinholeIntrinsics(fx: 500, fy: 510.5, cx: 320, cy: 240),
                           startSeconds: 2.5, endSeconds: 4),
                CorpusItem(id: "dog", source: "https://example.org/dog.webm"),
            ])
        }

        @Test func csvManifestWithQuotedFields() throws {
            let manifest = try write("corpus.csv", """
                id,path,fx,fy,cx,cy,start,end
                "bear, the first","clips/bear ""big"".mp4",500,500,320,240,,3.5
                dog,dog.mp4,,,,,1,
                """)
            let items = try CorpusSource.manifest(manifest).items()
            #expect(items.map(\.id) == ["bear, the first", "dog"])
            #expect(items[0].source == directory.file("clips/bear \"big\".mp4"))
            #expect(items[0].intrinsics == PinholeIntrinsics(fx: 500, fy: 500, cx: 320, cy: 240))
            #expect(items[0].startSeconds == nil && items[0].endSeconds == 3.5)
            #expect(items[1].intrinsics == nil && items[1].startSeconds == 1)
        }

        @Test(arguments: [
            ("bad.jsonl", #"{"path": "a.mp4", "fx": 500}"#, "line 1: give all of fx, fy, cx, cy"),
            ("bad.jsonl", #"{"id": "x"}"#, "line 1: no 'path'"),
            ("bad.jsonl", "\n[1, 2]", "line 2: not a JSON object"),
            ("bad.jsonl", #"{"path": "a.mp4", "start": 3, "end": 2}"#, "end 2.0 s is not after start 3.0 s"),
            ("bad.csv", "path,fx,fy,cx,cy\na.mp4,x,1,1,1", "fx 'x' is not a number"),
            ("bad.csv", "path\n\"a.mp4", "unterminated quoted field"),
            ("bad.csv", "path\na.mp4,extra", "2 fields, but the header names 1"),
        ])
        func badManifestsNameTheLine(_ name: String, _ text: String, _ expected: String) throws {
            let manifest = try write(name, text)
            let error = Fixtures.error { _ = try CorpusSource.manifest(manifest).items() }
            #expect(error?.code == "corpus.badManifest")
            #expect(error?.message.contains(expected) == true && error?.message.contains(manifest) == true, "\(String(describing: error))")
        }

        @Test func argumentsAreRecognised() throws {
            try touch("v.mp4")
            #expect(CorpusSource.detect("https://example.org/a.mp4") == .video("https://example.org/a.mp4"))
            #expect(CorpusSource.detect(directory.path) == .directory(directory.path, extensions: CorpusSource.videoExtensions))
            #expect(CorpusSource.detect(directory.file("*.mp4")) == .glob(directory.file("*.mp4")))
            #expect(CorpusSource.detect("videos.txt") == .list("videos.txt"))
            #expect(CorpusSource.detect("corpus.jsonl") == .manifest("corpus.jsonl"))
            #expect(CorpusSource.detect("corpus.CSV") == .manifest("corpus.CSV"))
            #expect(CorpusSource.detect(directory.file("v.mp4")) == .video(directory.file("v.mp4")))
        }

        @Test func manifestTimesLimitTheClips() throws {
            let size = FrameSize(width: 32, height: 24)
            try Fixtures.encode(directory.file("v.mkv"), frames: (0 ..< 20).map { Fixtures.pattern($0, size: size) }, codec: .lossless)
            let manifest = try write("m.jsonl", #"{"id": "v", "path": "v.mkv", "start": 0.2, "end": 0.6}"#)
            let item = try #require(try CorpusSource.manifest(manifest).items().first)
            let reader = try ClipReader(item: item)
            let clip = try #require(try reader.next())
            #expect(clip.frameIndices == Array(5 ..< 15))
        }

        @Test func decodesOverHTTPLikeALocalFile() throws {
            let size = FrameSize(width: 64, height: 48)
            let written = (0 ..< 12).map { Fixtures.noise($0, size: size) }
            try Fixtures.encode(directory.file("remote.mkv"), frames: written, codec: .lossless)
            let server = try LocalServer.http(serving: directory.path)
            let url = server.url("remote.mkv")
            let item = try #require(try CorpusSource.detect(url).items().first)
            #expect(item.isURL)
            let (clips, summary) = try Fixtures.clips(item.source, media: MediaOptions(longSide: 64, timeoutSeconds: 10),
                                                      clips: ClipOptions(shots: ShotDetectionOptions(enabled: false)))
            #expect(summary.framesDecoded == 12)
            #expect(clips.flatMap(\.frames).map(\.rgb) == written)
            #expect(clips.first?.id.hasPrefix("remote-") == true)

            let missing = Fixtures.error { _ = try VideoProbe.probe(server.url("absent.mp4"), options: MediaOptions(timeoutSeconds: 10)) }
            #expect(missing?.code == "media.notFound" && missing?.message.contains("absent.mp4") == true, "\(String(describing: missing))")
        }
    }
}
