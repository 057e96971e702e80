import CStemmer
import Synchronization

/// Snowball stemming (Debian's libstemmer) for the languages a corpus is written in, so inflected forms match
/// ("limits" / "limit", "Empfangs" / "Empfang") by a general rule rather than a word list.
///
/// One stemmer per language; libstemmer's stemmers are not safe to share between threads, so each sits behind a
/// lock, with a bounded memo in front because the same words come back for every passage.
final class Stemmer: Sendable {
    /// A language the stemmers and the cheap language guess know.
    enum Language: Sendable, Hashable, CaseIterable {
        case english
        case german

        var algorithm: String {
            switch self {
            case .english: "english"
            case .german: "german"
            }
        }
    }

    static let english = Stemmer(.english)
    static let german = Stemmer(.german)

    static func of(_ language: Language) -> Stemmer {
        switch language {
        case .english: english
        case .german: german
        }
    }

    /// Words remembered per stemmer before the memo starts over: a large corpus's working vocabulary.
    private static let memoCapacity = 200_000

    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer?
    }

    private struct State: Sendable {
        var handle: Handle
        var memo: [String: String] = [:]
    }

    private let state: Mutex<State>

    private init(_ language: Language) {
        state = Mutex(State(handle: Handle(pointer: sb_stemmer_new(language.algorithm, "UTF_8"))))
    }

    /// The stem of a lower-cased word; the word itself when it is not a plain word of letters.
    func stem(_ word: String) -> String {
        guard word.count >= 3, word.allSatisfy(\.isLetter) else { return word }
        return state.withLock { state in
            if let known = state.memo[word] { return known }
            guard let pointer = state.handle.pointer else { return word }
            let bytes = Array(word.utf8)
            let stemmed: String = bytes.withUnsafeBufferPointer { buffer in
                guard let output = sb_stemmer_stem(pointer, buffer.baseAddress, Int32(buffer.count)) else {
                    return word
                }
                let length = Int(sb_stemmer_length(pointer))
                return String(decoding: UnsafeBufferPointer(start: output, count: length), as: UTF8.self)
            }
            if state.memo.count >= Self.memoCapacity { state.memo.removeAll(keepingCapacity: true) }
            state.memo[word] = stemmed
            return stemmed
        }
    }

    /// English and German function words: which of them a text uses is a cheap, reliable guess at its language.
    private static let markers: [Language: Set<String>] = [
        .english: ["the", "and", "is", "are", "of", "to", "with", "that", "this", "for", "be", "not", "or"],
        .german: ["der", "die", "das", "und", "ist", "sind", "nicht", "mit", "für", "von", "zu", "den", "ein", "eine"],
    ]

    /// The language whose function words the words use most; English when none or tied.
    static func language(of words: [String]) -> Language {
        var english = 0
        var german = 0
        for word in words {
            if markers[.english]?.contains(word) == true { english += 1 }
            if markers[.german]?.contains(word) == true { german += 1 }
        }
        return german > english ? .german : .english
    }
}
