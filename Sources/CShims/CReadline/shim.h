#ifndef CHATSHELL_CREADLINE_SHIM_H
#define CHATSHELL_CREADLINE_SHIM_H
// Swift 6 refuses direct access to mutable C globals, so every readline global we touch
// goes through one of these accessors.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef char **(*cs_completion_fn)(const char *, int, int);

static inline void cs_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void cs_rl_set_attempted_completion(cs_completion_fn fn) { rl_attempted_completion_function = fn; }
static inline void cs_rl_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline void cs_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void cs_rl_set_catch_signals(int v) { rl_catch_signals = v; rl_catch_sigwinch = v; }
static inline const char *cs_rl_line_buffer(void) { return rl_line_buffer; }
static inline int cs_rl_point(void) { return rl_point; }
static inline int cs_rl_end(void) { return rl_end; }
static inline void cs_rl_point_to_end(void) { rl_point = rl_end; }
static inline void cs_rl_clear_line(void) {
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
}
static inline void cs_rl_set_instream(FILE *f) { rl_instream = f; }
static inline void cs_rl_set_outstream(FILE *f) { rl_outstream = f; }
static inline void cs_rl_set_done(int v) { rl_done = v; }
static inline int cs_history_length(void) { return history_length; }
static inline void cs_rl_set_filename_completion_desired(int v) { rl_filename_completion_desired = v; }
static inline rl_compentry_func_t *cs_rl_filename_completion_function(void) { return rl_filename_completion_function; }
// Readline exports LINES and COLUMNS by default; setenv on the reader thread would race getenv elsewhere.
static inline void cs_rl_set_change_environment(int v) { rl_change_environment = v; }
// A folder completed as `docs/` must not get readline's trailing space.
static inline void cs_rl_set_completion_suppress_append(int v) { rl_completion_suppress_append = v; }
// Only whitespace separates words, so `@`, `=` and `(` stay inside a completed e-mail, option or title.
// A string literal has static storage, which readline requires of this pointer.
static inline void cs_rl_use_whitespace_word_breaks(void) { rl_completer_word_break_characters = " \t\n"; }
// Quotes open a word for completion (`/upload "my fo`), and a completed path with a space or quote in it gets
// quoted, as in bash. String literals have static storage, which readline requires of these pointers.
static inline void cs_rl_use_completion_quotes(void) {
    rl_completer_quote_characters = "\"'";
    rl_filename_quote_characters = " \t\n\"'\\";
}
#endif
