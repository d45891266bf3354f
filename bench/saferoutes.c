/*
 * The floor of each way to copy out of a file mapping, for bench/Bench.ps1.
 *
 *   saferoutes FILE OFFSETS OUT REPS
 *
 * Maps FILE read-only and shared and reads 8 bytes at each offset in OFFSETS (raw little-endian
 * int64s) by four routes:
 *
 *   memcpy            plain loads from the map: the fastest, but a SIGBUS kills the process when
 *                     another process truncates the file under the map (the unsafe floor);
 *   process_vm_readv  our own pid, 1024 remote iovecs (8 bytes each) per call, into one buffer;
 *   pread             one pread(2) of the file per value;
 *   pipe              writev(2) of 1024 mapped 8-byte ranges into a pipe (O_NONBLOCK, F_SETPIPE_SZ
 *                     1 MiB), then one read(2) of the pipe.
 *
 * The last three fail with EFAULT (or read short) instead of SIGBUS when the file shrinks.
 * Each route runs one untimed warm-up pass, then REPS timed passes; every route must produce the
 * same values, which go to OUT as raw little-endian int64s. Prints one JSON line:
 * {"routes": {"memcpy": [seconds...], ...}, "result": <count of values>}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* IOV_MAX on Linux: the most iovecs one process_vm_readv or writev call takes. */
#define BATCH 1024
#define VALUE 8

static const unsigned char *s_map;
static int s_fd;
static int s_pipe[2];
static const int64_t *s_offsets;
static size_t s_count;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what)
{
    perror(what);
    exit(1);
}

static void by_memcpy(unsigned char *out)
{
    for (size_t i = 0; i < s_count; i++) {
        memcpy(out + i * VALUE, s_map + s_offsets[i], VALUE);
    }
}

static void by_process_vm_readv(unsigned char *out)
{
    static struct iovec remote[BATCH];
    pid_t self = getpid();
    for (size_t done = 0; done < s_count; done += BATCH) {
        size_t n = s_count - done < BATCH ? s_count - done : BATCH;
        for (size_t i = 0; i < n; i++) {
            remote[i].iov_base = (void *)(s_map + s_offsets[done + i]);
            remote[i].iov_len = VALUE;
        }
        struct iovec local = { out + done * VALUE, n * VALUE };
        ssize_t got = process_vm_readv(self, &local, 1, remote, n, 0);
        if (got != (ssize_t)(n * VALUE)) fail("process_vm_readv");
    }
}

static void by_pread(unsigned char *out)
{
    for (size_t i = 0; i < s_count; i++) {
        if (pread(s_fd, out + i * VALUE, VALUE, s_offsets[i]) != VALUE) fail("pread");
    }
}

static void by_pipe(unsigned char *out)
{
    static struct iovec mapped[BATCH];
    for (size_t done = 0; done < s_count; done += BATCH) {
        size_t n = s_count - done < BATCH ? s_count - done : BATCH;
        for (size_t i = 0; i < n; i++) {
            mapped[i].iov_base = (void *)(s_map + s_offsets[done + i]);
            mapped[i].iov_len = VALUE;
        }
        ssize_t put = writev(s_pipe[1], mapped, n);
        if (put != (ssize_t)(n * VALUE)) fail("writev");
        ssize_t got = read(s_pipe[0], out + done * VALUE, n * VALUE);
        if (got != put) fail("read");
    }
}

struct route {
    const char *name;
    void (*run)(unsigned char *out);
};

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s FILE OFFSETS OUT REPS\n", argv[0]);
        return 2;
    }
    int reps = atoi(argv[4]);
    struct stat st;
    s_fd = open(argv[1], O_RDONLY);
    if (s_fd < 0 || fstat(s_fd, &st) != 0) fail(argv[1]);
    s_map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, s_fd, 0);
    if (s_map == MAP_FAILED) fail("mmap");

    FILE *f = fopen(argv[2], "rb");
    if (f == NULL) fail(argv[2]);
    fseek(f, 0, SEEK_END);
    s_count = (size_t)ftell(f) / sizeof(int64_t);
    rewind(f);
    int64_t *offsets = malloc(s_count * sizeof(int64_t));
    if (offsets == NULL || fread(offsets, sizeof(int64_t), s_count, f) != s_count) fail(argv[2]);
    fclose(f);
    for (size_t i = 0; i < s_count; i++) {
        if (offsets[i] < 0 || (uint64_t)offsets[i] + VALUE > (uint64_t)st.st_size) {
            fprintf(stderr, "offset %lld is outside %s\n", (long long)offsets[i], argv[1]);
            return 1;
        }
    }
    s_offsets = offsets;

    /* Non-blocking, so that a full pipe is an error rather than a hang; 1 MiB holds any batch. */
    if (pipe2(s_pipe, O_NONBLOCK) != 0) fail("pipe2");
    if (fcntl(s_pipe[1], F_SETPIPE_SZ, 1 << 20) < 0) fail("F_SETPIPE_SZ");

    static const struct route routes[] = {
        { "memcpy", by_memcpy },
        { "process_vm_readv", by_process_vm_readv },
        { "pread", by_pread },
        { "pipe", by_pipe },
    };
    size_t bytes = s_count * VALUE;
    unsigned char *expected = malloc(bytes);
    unsigned char *out = malloc(bytes);
    if (expected == NULL || out == NULL) fail("malloc");

    printf("{\"routes\": {");
    for (size_t r = 0; r < sizeof routes / sizeof routes[0]; r++) {
        unsigned char *target = r == 0 ? expected : out;
        memset(target, 0, bytes);
        routes[r].run(target);
        if (r > 0 && memcmp(expected, out, bytes) != 0) {
            fprintf(stderr, "%s read other values than memcpy\n", routes[r].name);
            return 1;
        }
        printf("%s\"%s\": [", r ? ", " : "", routes[r].name);
        for (int i = 0; i < reps; i++) {
            double start = now();
            routes[r].run(out);
            printf("%s%.9f", i ? ", " : "", now() - start);
        }
        printf("]");
    }
    printf("}, \"result\": %zu}\n", s_count);

    f = fopen(argv[3], "wb");
    if (f == NULL || fwrite(expected, 1, bytes, f) != bytes || fclose(f) != 0) fail(argv[3]);
    return 0;
}
