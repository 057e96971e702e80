#!/usr/bin/env bash
# libFuzzer runs of the three parsers that read bytes from outside (issue 15). Not run in CI.
#
#   multipart   the server's multipart/form-data parser (Sources/Server/Support/MultipartFormParser.swift)
#   sse         the client's Server-Sent Events parser  (Sources/ChatClient/Remote/SSEParser.swift)
#   transcript  the .chat transcript parser             (Sources/Transcripts/)
#
# Each target is the parser's own source files compiled with its entry in Fuzz/ by `swiftc -sanitize=fuzzer,address`
# (the toolchain's clang runtime), so the package build and `swift test` never see the fuzzer. Each runs for a
# bounded time from a seed corpus (kept and grown in .build/fuzz/corpus); crashes land in .build/fuzz/crashes.
#
#   scripts/fuzz.sh [seconds per target, default 120] [target...]
#
# Prints, per target: runs, runs/s, coverage (edges) and features, corpus size, peak RSS and crashes.
# Exit status 1 when any target crashed. Leak detection is off: swift-corelibs-foundation leaks the buffer of an
# NSRegularExpression whose pattern fails to compile (a `(re)` line in a transcript), which is not ours to fix.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-120}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(multipart sse transcript)
out=.build/fuzz
mkdir -p "$out"

sources_of() {
    case "$1" in
    multipart) echo Sources/Server/Support/MultipartFormParser.swift Fuzz/MultipartFuzz.swift ;;
    sse) echo Sources/ChatClient/Remote/SSEParser.swift Fuzz/SSEFuzz.swift ;;
    transcript)
        local dir=Sources/Transcripts
        echo "$dir/Transcript.swift $dir/TranscriptLine.swift $dir/TranscriptCheck.swift" \
            "$dir/TranscriptOptions.swift $dir/TranscriptPattern.swift $dir/TranscriptText.swift" \
            Fuzz/TranscriptFuzz.swift
        ;;
    *)
        echo "unknown target '$1' (multipart, sse, transcript)" >&2
        exit 2
        ;;
    esac
}

seed() {
    local corpus="$out/corpus/$1"
    mkdir -p "$corpus"
    case "$1" in
    multipart)
        # First byte: chunk size; then a body with a file part (filename and RFC 5987 filename*) and a title.
        printf '\003--fuzzb\r\nContent-Disposition: form-data; name="file"; filename="a b.txt"; filename*=UTF-8%s%s\r\nContent-Type: text/plain\r\n\r\nhello\r\n--fuzzb\r\nContent-Disposition: form-data; name="title"\r\n\r\nT\r\n--fuzzb--\r\n' \
            "''" 'a%C3%AFb.txt' >"$corpus/seed-form"
        printf '\001preamble\r\n--fuzzb  \r\n\r\n--fuzzb\r\n--fuzzb--' >"$corpus/seed-edges"
        ;;
    sse)
        printf '\005event: meta\ndata: {"type":"meta"}\n\n: keep-alive\n\nevent: token\r\ndata: a\r\ndata: b\r\n\r\n' \
            >"$corpus/seed-frames"
        printf '\002\357\273\277data: x\rid: 1\rretry: 5\r\revent\ndata\n\n' >"$corpus/seed-edges"
        ;;
    transcript)
        find transcripts Tests/TranscriptsTests/Fixtures -name '*.chat' -size -64k -exec cp {} "$corpus/" \; 2>/dev/null || true
        ;;
    esac
}

# The transcript parser reads citation markers with ChatAPI's grammar: that module's two files are built first, as a
# static library of their own, so the parser's `import ChatAPI` resolves as in the package.
dependencies_of() {
    case "$1" in
    transcript)
        swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name ChatAPI -emit-module \
            -emit-module-path "$out/modules/ChatAPI.swiftmodule" -emit-library -static -o "$out/libChatAPI.a" \
            Sources/ChatAPI/CitationMarker.swift Sources/ChatAPI/Citation.swift
        echo -I "$out/modules" -L "$out" -lChatAPI
        ;;
    esac
}

failed=0
printf '%-11s %10s %8s %7s %8s %7s %8s %8s\n' target runs runs/s cov features corpus rss_mb crashes
for target in "${targets[@]}"; do
    # shellcheck disable=SC2046
    mkdir -p "$out/modules"
    flags=$(dependencies_of "$target")
    # shellcheck disable=SC2046,SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "Fuzz_$target" $flags $(sources_of "$target") \
        -o "$out/$target" 2> >(grep -v 'ld.gold: warning: Cannot export local symbol' >&2)
    seed "$target"
    mkdir -p "$out/crashes"
    log="$out/$target.log"
    started="$out/$target.started"
    touch "$started"
    status=0
    ASAN_OPTIONS=detect_leaks=0 "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target-" "$out/corpus/$target" >"$log" 2>&1 || status=$?
    runs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
    rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
    rss=$(grep -oE 'stat::peak_rss_mb: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo "?")
    features=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo "?")
    corpus=$(find "$out/corpus/$target" -type f | wc -l)
    crashes=$(find "$out/crashes" -name "$target-*" -type f -newer "$started" | wc -l)
    printf '%-11s %10s %8s %7s %8s %7s %8s %8s\n' "$target" "$runs" "$rate" "$cov" "$features" "$corpus" "$rss" \
        "$crashes"
    if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        failed=1
        echo "  $target: exit $status; see $log and $out/crashes/$target-*" >&2
    fi
done
exit "$failed"
