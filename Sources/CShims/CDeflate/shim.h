#ifndef CHATSHELL_CDEFLATE_SHIM_H
#define CHATSHELL_CDEFLATE_SHIM_H
// zlib from Debian's zlib1g-dev: chunk text is stored deflated (Engine's ChunkText).
#include <zlib.h>
#endif
