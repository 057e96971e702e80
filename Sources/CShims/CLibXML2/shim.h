#ifndef CHATSHELL_CLIBXML2_SHIM_H
#define CHATSHELL_CLIBXML2_SHIM_H
// Foundation bundles its own ICU; Debian's libxml2 headers pull in the system ICU and the two
// UErrorCode definitions clash. libxml2's ICU support is not needed for parsing HTML.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

static inline void cs_xml_free(void *p) { xmlFree(p); }
#endif
