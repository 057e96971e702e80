#ifndef CHATSHELL_CSTEMMER_SHIM_H
#define CHATSHELL_CSTEMMER_SHIM_H
// Snowball stemmers from Debian's libstemmer-dev (the header has no module map of its own).
#include <libstemmer.h>
#endif
