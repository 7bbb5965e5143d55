/**
 * @file
 * Export macro, library version macros and shared types.
 *
 * Every public header includes this one. It is valid C89 and C++.
 */
#ifndef COPA_COMMON_H
#define COPA_COMMON_H

#include <stddef.h>

/** Marks a function as part of the exported ABI of libcopa. */
#if defined(COPA_BUILDING_LIBRARY) && defined(__GNUC__)
#define COPA_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define COPA_EXTERN(type) extern type
#endif

#ifdef __cplusplus
/** Opens a block of declarations with C linkage when compiled as C++. */
#define COPA_BEGIN_DECL extern "C" {
/** Closes the block COPA_BEGIN_DECL opened. */
#define COPA_END_DECL }
#else
/** Opens a block of declarations with C linkage (empty in C). */
#define COPA_BEGIN_DECL
/** Closes the block COPA_BEGIN_DECL opened (empty in C). */
#define COPA_END_DECL
#endif

/** Major version: changes when the ABI breaks (it is the SONAME number). */
#define COPA_VERSION_MAJOR 0
/** Minor version: changes when functions or options fields are added. */
#define COPA_VERSION_MINOR 1
/** Patch version: changes for fixes only. */
#define COPA_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define COPA_VERSION "0.1.0"
/** The version as one comparable number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define COPA_VERSION_NUMBER                                                                        \
    (COPA_VERSION_MAJOR * 10000 + COPA_VERSION_MINOR * 100 + COPA_VERSION_PATCH)

#endif
