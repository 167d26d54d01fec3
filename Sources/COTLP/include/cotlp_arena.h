/*
 * cotlp_arena: a bump allocator for one OTLP export batch (hand-written, not generated).
 *
 * Building an ExportTraceServiceRequest or ExportMetricsServiceRequest takes many small
 * allocations: message structs, the pointer arrays of repeated fields, strings and id bytes. An
 * arena serves them all from a few large chunks and releases them together with
 * cotlp_arena_reset() once the batch has been packed: no per-field malloc/free, nothing to leak.
 *
 * Rules:
 *  - Not thread-safe. One arena belongs to one exporter (one task) at a time.
 *  - Every allocation is zero-filled and aligned for any C type (alignof(max_align_t)).
 *  - Memory stays valid until the next cotlp_arena_reset() or cotlp_arena_destroy().
 *  - Every function returns NULL when memory runs out (or a size overflows); nothing aborts.
 *  - Message structs still need their generated `..._init()` call after allocation.
 */
#ifndef COTLP_ARENA_H
#define COTLP_ARENA_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cotlp_arena cotlp_arena;

/* A new, empty arena whose chunks hold `chunk_size` bytes (0: 64 KiB). Larger requests get a chunk
 * of their own. Size it so one typical batch fits in one chunk. */
cotlp_arena *cotlp_arena_create(size_t chunk_size);

/* Frees the arena and everything allocated from it. NULL is allowed. */
void cotlp_arena_destroy(cotlp_arena *arena);

/* Releases every allocation at once. One standard-sized chunk is kept for the next batch; the
 * others (and every oversized chunk) go back to the system. */
void cotlp_arena_reset(cotlp_arena *arena);

/* A position in the arena, to hand back to cotlp_arena_rewind(). */
typedef struct cotlp_arena_mark {
    const void *chunk;
    size_t used;
    size_t bytes_used;
} cotlp_arena_mark;
/* The arena's current position. */
cotlp_arena_mark cotlp_arena_get_mark(const cotlp_arena *arena);
/* Releases every allocation made since `mark` for reuse, if they all came from the chunk the mark
 * was taken in; else (a chunk was started since) keeps them until the next reset. Memory allocated
 * since the mark must no longer be used. Returns whether the memory was released. */
int cotlp_arena_rewind(cotlp_arena *arena, cotlp_arena_mark mark);
/* `size` zeroed bytes. A size of 0 still returns a distinct pointer. */
void *cotlp_arena_alloc(cotlp_arena *arena, size_t size);

/* `count * elem_size` zeroed bytes, NULL if the product overflows. For repeated fields:
 * `Span **spans = cotlp_arena_alloc_array(a, n, sizeof(Span *))`. */
void *cotlp_arena_alloc_array(cotlp_arena *arena, size_t count, size_t elem_size);

/* Like cotlp_arena_alloc_array, without zeroing: for memory the caller initialises before reading
 * (message arrays filled from a template, attribute runs written element by element). */
void *cotlp_arena_alloc_array_uninit(cotlp_arena *arena, size_t count, size_t elem_size);

/* A NUL-terminated copy of `len` bytes (for protobuf-c `char *` string fields). protobuf-c encodes
 * strings up to their first NUL, so the bytes should contain none. `bytes` may be NULL if len is 0. */
char *cotlp_arena_strndup(cotlp_arena *arena, const char *bytes, size_t len);

/* A copy of `len` bytes (for ProtobufCBinaryData ids). `bytes` may be NULL if len is 0. */
void *cotlp_arena_memdup(cotlp_arena *arena, const void *bytes, size_t len);

/* The arena as a ProtobufCAllocator, e.g. for protobuf_c_message_unpack() of an export response.
 * Its free is a no-op: unpacked messages go away with the next reset. Valid as long as the arena. */
ProtobufCAllocator *cotlp_arena_allocator(cotlp_arena *arena);

/* Bytes handed out since the last reset (alignment padding included). */
size_t cotlp_arena_bytes_used(const cotlp_arena *arena);

/* Bytes of chunk memory the arena currently holds from the system. */
size_t cotlp_arena_bytes_reserved(const cotlp_arena *arena);

#ifdef __cplusplus
}
#endif

#endif /* COTLP_ARENA_H */
