/*
 * The physical limit for bench/Bench.ps1: copying a file out of an mmap with memcpy.
 *
 *   memcpy FILE CHUNK REPS
 *
 * Maps FILE read-only and shared, then copies it in CHUNK-byte pieces into one reused buffer:
 * one untimed warm-up pass (faults the page tables in), then REPS timed passes. Prints one JSON
 * line: {"seconds": [...], "result": <checksum>}.
 */
#define _POSIX_C_SOURCE 199309L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long pass(const unsigned char *map, size_t size, unsigned char *buffer, size_t chunk)
{
    unsigned long sum = 0;
    for (size_t offset = 0; offset < size; offset += chunk) {
        size_t length = size - offset < chunk ? size - offset : chunk;
        memcpy(buffer, map + offset, length);
        /* Read the copy back, so the compiler cannot drop the memcpy. */
        sum += buffer[0] + buffer[length - 1];
    }
    return sum;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE CHUNK REPS\n", argv[0]);
        return 2;
    }
    size_t chunk = strtoull(argv[2], NULL, 10);
    int reps = atoi(argv[3]);
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    unsigned char *buffer = malloc(chunk);
    if (map == MAP_FAILED || buffer == NULL) {
        perror("mmap/malloc");
        return 1;
    }
    unsigned long sum = pass(map, size, buffer, chunk);
    printf("{\"seconds\": [");
    for (int i = 0; i < reps; i++) {
        double start = now();
        sum += pass(map, size, buffer, chunk);
        printf("%s%.9f", i ? ", " : "", now() - start);
    }
    printf("], \"result\": %lu}\n", sum);
    munmap((void *)map, size);
    free(buffer);
    close(fd);
    return 0;
}
