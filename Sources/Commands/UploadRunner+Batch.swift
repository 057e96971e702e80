public import Foundation

extension UploadRunner {
    /// Uploads accepted but not yet indexed at most, in a batch: enough to keep every ingestion worker busy, few
    /// enough that the files waiting in the backend's queue stay a small part of memory.
    static let batchWindow = 32

    /// How far a batch is, for the progress bar.
    public struct BatchProgress: Sendable, Equatable {
        public var filesDone: Int
        public var filesTotal: Int
        public var bytesDone: Int64
        public var elapsed: Duration

        public var fraction: Double { filesTotal == 0 ? 1 : Double(filesDone) / Double(filesTotal) }

        private var seconds: Double {
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }

        public var filesPerSecond: Double { seconds > 0 ? Double(filesDone) / seconds : 0 }
        /// Decimal megabytes (10^6 bytes) of finished files per second.
        public var megabytesPerSecond: Double { seconds > 0 ? Double(bytesDone) / 1e6 / seconds : 0 }

        /// "120/1304 files, 85.3 files/s, 1.2 MB/s".
        public var label: String {
            "\(filesDone)/\(filesTotal) files, "
                + String(format: "%.1f files/s, %.1f MB/s", filesPerSecond, megabytesPerSecond)
        }
    }

    /// Uploads the files in order while the backend indexes earlier ones, reports each result in file order as
    /// soon as it and all before it are known, and returns them all.
    ///
    /// Uploading stays in order, so documents are created (and listed) in file order; processing overlaps. When
    /// the task is cancelled no further file is uploaded, and only the results known by then are returned.
    public func run(
        _ files: [URL],
        title: String?,
        shared: Bool,
        progress: @escaping @Sendable (BatchProgress) -> Void,
        each report: (FileResult) -> Void
    ) async -> [FileResult] {
        let started = ContinuousClock.now
        let sizes = files.map { file in
            Int64((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        var results = [FileResult?](repeating: nil, count: files.count)
        var reported = 0
        var done = BatchProgress(filesDone: 0, filesTotal: files.count, bytesDone: 0, elapsed: .zero)
        progress(done)

        func settle(_ index: Int, _ result: FileResult) {
            results[index] = result
            done.filesDone += 1
            done.bytesDone += sizes[index]
            done.elapsed = ContinuousClock.now - started
            progress(done)
            while reported < results.count, let next = results[reported] {
                report(next)
                reported += 1
            }
        }

        await withTaskGroup(of: (Int, FileResult).self) { group in
            var inFlight = 0
            for (index, file) in files.enumerated() {
                // Cancelled (Ctrl-C in the REPL): no more files are sent; those accepted go on being indexed.
                if Task.isCancelled { break }
                if inFlight >= Self.batchWindow, let (finished, result) = await group.next() {
                    inFlight -= 1
                    settle(finished, result)
                }
                switch await upload(file, title: title, shared: shared) {
                case .failure(let refused):
                    settle(index, refused.result)
                case .success(let response):
                    inFlight += 1
                    group.addTask { (index, await finish(file, response) { _ in }) }
                }
            }
            for await (finished, result) in group {
                settle(finished, result)
            }
        }
        return results.compactMap { $0 }
    }
}
