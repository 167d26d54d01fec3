/* cotlp_arena: see include/cotlp_arena.h. */
#include "cotlp_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define COTLP_ARENA_DEFAULT_CHUNK ((size_t)64 * 1024)
#define COTLP_ARENA_ALIGN (alignof(max_align_t))

typedef struct cotlp_chunk {
    struct cotlp_chunk *next;
    size_t capacity; /* bytes in data[] */
    size_t used;     /* bytes of data[] handed out */
    max_align_t data[]; /* max_align_t elements so data starts suitably aligned */
} cotlp_chunk;

struct cotlp_arena {
    ProtobufCAllocator allocator; /* allocator_data points back at the arena */
    cotlp_chunk *head;            /* the chunk small allocations are served from */
    size_t chunk_size;
    size_t bytes_used;
    size_t bytes_reserved;
};

static void *cotlp_arena_pb_alloc(void *allocator_data, size_t size) {
    return cotlp_arena_alloc((cotlp_arena *)allocator_data, size);
}

static void cotlp_arena_pb_free(void *allocator_data, void *pointer) {
    (void)allocator_data;
    (void)pointer; /* released by cotlp_arena_reset / cotlp_arena_destroy */
}

static cotlp_chunk *cotlp_chunk_new(size_t capacity) {
    if (capacity > SIZE_MAX - sizeof(cotlp_chunk)) {
        return NULL;
    }
    cotlp_chunk *chunk = malloc(sizeof(cotlp_chunk) + capacity);
    if (chunk == NULL) {
        return NULL;
    }
    chunk->next = NULL;
    chunk->capacity = capacity;
    chunk->used = 0;
    return chunk;
}

cotlp_arena *cotlp_arena_create(size_t chunk_size) {
    cotlp_arena *arena = calloc(1, sizeof(cotlp_arena));
    if (arena == NULL) {
        return NULL;
    }
    if (chunk_size == 0) {
        chunk_size = COTLP_ARENA_DEFAULT_CHUNK;
    }
    /* Keep chunk sizes a multiple of the alignment so rounded requests fit exactly. */
    if (chunk_size > SIZE_MAX - COTLP_ARENA_ALIGN) {
        free(arena);
        return NULL;
    }
    arena->chunk_size = (chunk_size + COTLP_ARENA_ALIGN - 1) & ~(COTLP_ARENA_ALIGN - 1);
    arena->allocator.alloc = cotlp_arena_pb_alloc;
    arena->allocator.free = cotlp_arena_pb_free;
    arena->allocator.allocator_data = arena;
    return arena;
}

void cotlp_arena_destroy(cotlp_arena *arena) {
    if (arena == NULL) {
        return;
    }
    cotlp_chunk *chunk = arena->head;
    while (chunk != NULL) {
        cotlp_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    free(arena);
}

void cotlp_arena_reset(cotlp_arena *arena) {
    cotlp_chunk *kept = NULL;
    cotlp_chunk *chunk = arena->head;
    while (chunk != NULL) {
        cotlp_chunk *next = chunk->next;
        if (kept == NULL && chunk->capacity == arena->chunk_size) {
            kept = chunk;
        } else {
            free(chunk);
        }
        chunk = next;
    }
    arena->head = kept;
    arena->bytes_used = 0;
    arena->bytes_reserved = 0;
    if (kept != NULL) {
        kept->next = NULL;
        kept->used = 0;
        arena->bytes_reserved = kept->capacity;
    }
}

cotlp_arena_mark cotlp_arena_get_mark(const cotlp_arena *arena) {
    cotlp_arena_mark mark = {arena->head, arena->head != NULL ? arena->head->used : 0, arena->bytes_used};
    return mark;
}

int cotlp_arena_rewind(cotlp_arena *arena, cotlp_arena_mark mark) {
    /* Large allocations are linked in behind the head: only a head that is still the marked chunk,
     * with nothing linked behind it since, holds every allocation made after the mark. */
    if (arena->head == NULL || arena->head != mark.chunk || arena->head->used < mark.used ||
        arena->bytes_used - mark.bytes_used != arena->head->used - mark.used) {
        return 0;
    }
    arena->head->used = mark.used;
    arena->bytes_used = mark.bytes_used;
    return 1;
}

/* `size` bytes, not zeroed. */
static void *cotlp_arena_alloc_raw(cotlp_arena *arena, size_t size) {
    if (size > SIZE_MAX - COTLP_ARENA_ALIGN) {
        return NULL;
    }
    size_t rounded = size == 0 ? COTLP_ARENA_ALIGN : (size + COTLP_ARENA_ALIGN - 1) & ~(COTLP_ARENA_ALIGN - 1);

    cotlp_chunk *chunk = arena->head;
    if (chunk == NULL || chunk->capacity - chunk->used < rounded) {
        if (rounded > arena->chunk_size / 4) {
            /* Large request: a chunk of its own, kept behind the head so the head's free space
             * still serves the small allocations that follow. */
            chunk = cotlp_chunk_new(rounded);
            if (chunk == NULL) {
                return NULL;
            }
            if (arena->head == NULL) {
                arena->head = chunk;
            } else {
                chunk->next = arena->head->next;
                arena->head->next = chunk;
            }
        } else {
            chunk = cotlp_chunk_new(arena->chunk_size);
            if (chunk == NULL) {
                return NULL;
            }
            chunk->next = arena->head;
            arena->head = chunk;
        }
        arena->bytes_reserved += chunk->capacity;
    }

    void *pointer = (unsigned char *)chunk->data + chunk->used;
    chunk->used += rounded;
    arena->bytes_used += rounded;
    return pointer;
}

void *cotlp_arena_alloc(cotlp_arena *arena, size_t size) {
    void *pointer = cotlp_arena_alloc_raw(arena, size);
    if (pointer != NULL) {
        memset(pointer, 0, size);
    }
    return pointer;
}

void *cotlp_arena_alloc_array(cotlp_arena *arena, size_t count, size_t elem_size) {
    if (elem_size != 0 && count > SIZE_MAX / elem_size) {
        return NULL;
    }
    return cotlp_arena_alloc(arena, count * elem_size);
}

void *cotlp_arena_alloc_array_uninit(cotlp_arena *arena, size_t count, size_t elem_size) {
    if (elem_size != 0 && count > SIZE_MAX / elem_size) {
        return NULL;
    }
    return cotlp_arena_alloc_raw(arena, count * elem_size);
}

char *cotlp_arena_strndup(cotlp_arena *arena, const char *bytes, size_t len) {
    if (len == SIZE_MAX) {
        return NULL;
    }
    char *copy = cotlp_arena_alloc(arena, len + 1);
    if (copy != NULL && len > 0) {
        memcpy(copy, bytes, len);
    }
    return copy; /* zero-filled, so already NUL-terminated */
}

void *cotlp_arena_memdup(cotlp_arena *arena, const void *bytes, size_t len) {
    void *copy = cotlp_arena_alloc(arena, len);
    if (copy != NULL && len > 0) {
        memcpy(copy, bytes, len);
    }
    return copy;
}

ProtobufCAllocator *cotlp_arena_allocator(cotlp_arena *arena) {
    return &arena->allocator;
}

size_t cotlp_arena_bytes_used(const cotlp_arena *arena) {
    return arena->bytes_used;
}

size_t cotlp_arena_bytes_reserved(const cotlp_arena *arena) {
    return arena->bytes_reserved;
}
