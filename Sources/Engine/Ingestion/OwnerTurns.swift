/// Jobs waiting per owner, handed out one owner at a time in turn (round-robin), each owner's in arrival order.
///
/// One caller's batch of a thousand files then delays another caller's single upload by at most one job per
/// worker, instead of by the whole batch.
struct OwnerTurns<Job> {
    private var waiting: [String: [Job]] = [:]
    /// Owners with waiting jobs, the next one to be served first.
    private var turns: [String] = []

    var isEmpty: Bool { turns.isEmpty }

    mutating func append(_ job: Job, owner: String) {
        if waiting[owner, default: []].isEmpty { turns.append(owner) }
        waiting[owner, default: []].append(job)
    }

    /// The oldest job of the owner whose turn it is; that owner then goes to the back of the line.
    mutating func next() -> Job? {
        guard !turns.isEmpty else { return nil }
        let owner = turns.removeFirst()
        var jobs = waiting[owner, default: []]
        let job = jobs.removeFirst()
        if jobs.isEmpty {
            waiting[owner] = nil
        } else {
            waiting[owner] = jobs
            turns.append(owner)
        }
        return job
    }
}
