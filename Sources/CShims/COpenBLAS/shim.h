// OpenBLAS through its CBLAS interface (Debian: libopenblas-dev). Only sgemm and the thread setting are used.
#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <cblas.h>
#endif
