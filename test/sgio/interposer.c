/*
 * SG_IO interposer for tests (LD_PRELOAD). This machine has no kernel SCSI stack, so this library
 * stands in for the sg driver: it intercepts ioctl(SG_GET_VERSION_NUM) and ioctl(SG_IO) on file
 * descriptors whose path is listed in SGIO_INTERPOSE_DEVICES (colon-separated), and forwards each
 * SG_IO request over the Unix socket SGIO_INTERPOSE_SOCKET to a test server that executes the CDB
 * on an emulated logical unit. It fills sg_io_hdr exactly as the sg driver does for the fields the
 * addon reads (status, masked_status, host/driver status, sb_len_wr truncated to mx_sb_len, resid,
 * duration, info) and reports DID_TIME_OUT when no answer comes within the request's timeout.
 * Not covered: kernel queueing, the block layer, HBA/LLD errors, reservations held by the kernel.
 *
 * Request frame:  "SGIP" | u16 path_len | path | u8 dir(0 none,1 to dev,2 from dev) | u8 cdb_len |
 *                 u8 mx_sb_len | u32 dxfer_len | u32 timeout_ms | cdb | data-out (dir 1)
 * Response frame: u8 status | u8 host_status | u8 driver_status | u8 sense_len | u32 data_len |
 *                 sense | data            (integers little-endian)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

static int marked(int fd, char *path, size_t cap) {
  const char *list = getenv("SGIO_INTERPOSE_DEVICES");
  if (!list || fd < 0) return 0;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, cap - 1);
  if (n <= 0) return 0;
  path[n] = 0;
  size_t len = (size_t)n;
  const char *p = list;
  while (*p) {
    const char *end = strchr(p, ':');
    size_t l = end ? (size_t)(end - p) : strlen(p);
    if (l == len && strncmp(p, path, l) == 0) return 1;
    if (!end) break;
    p = end + 1;
  }
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int write_all(int s, const void *buf, size_t n) {
  const uint8_t *b = buf;
  while (n > 0) {
    ssize_t w = send(s, b, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Read exactly n bytes before the deadline; returns 0, -1 on error, -2 on timeout. */
static int read_all(int s, void *buf, size_t n, double deadline) {
  uint8_t *b = buf;
  while (n > 0) {
    int left = (int)(deadline - now_ms());
    if (left <= 0) return -2;
    struct pollfd pfd = {s, POLLIN, 0};
    int pr = poll(&pfd, 1, left);
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) return -1;
    if (pr == 0) return -2;
    ssize_t r = recv(s, b, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    b += r;
    n -= (size_t)r;
  }
  return 0;
}

static int forward_sg_io(const char *path, sg_io_hdr_t *h) {
  if (h->interface_id != 'S') {
    errno = ENOSYS;
    return -1;
  }
  double start = now_ms();
  unsigned timeout = h->timeout ? h->timeout : 60000;
  double deadline = start + timeout;
  const char *sock_path = getenv("SGIO_INTERPOSE_SOCKET");
  if (!sock_path) {
    errno = EIO;
    return -1;
  }
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, sock_path, sizeof addr.sun_path - 1);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
    close(s);
    errno = EIO;
    return -1;
  }
  uint8_t dir = h->dxfer_direction == SG_DXFER_TO_DEV ? 1 : h->dxfer_direction == SG_DXFER_FROM_DEV ? 2 : 0;
  uint16_t plen = (uint16_t)strlen(path);
  uint32_t dxfer = h->dxfer_len, tmo = timeout;
  uint8_t hdr[4 + 2];
  memcpy(hdr, "SGIP", 4);
  memcpy(hdr + 4, &plen, 2);
  uint8_t mid[3 + 8];
  mid[0] = dir;
  mid[1] = h->cmd_len;
  mid[2] = h->mx_sb_len;
  memcpy(mid + 3, &dxfer, 4);
  memcpy(mid + 7, &tmo, 4);
  if (write_all(s, hdr, sizeof hdr) || write_all(s, path, plen) || write_all(s, mid, sizeof mid) ||
      write_all(s, h->cmdp, h->cmd_len) || (dir == 1 && dxfer && write_all(s, h->dxferp, dxfer))) {
    close(s);
    errno = EIO;
    return -1;
  }
  uint8_t rh[8];
  int rc = read_all(s, rh, sizeof rh, deadline);
  h->sb_len_wr = 0;
  h->resid = (int)dxfer;
  if (rc == -2) {
    /* The sg driver's view of a command that timed out: no status, host byte DID_TIME_OUT. */
    close(s);
    h->status = 0;
    h->masked_status = 0;
    h->host_status = 0x03;
    h->driver_status = 0x06; /* DRIVER_TIMEOUT */
    h->info = SG_INFO_CHECK;
    h->duration = (unsigned)(now_ms() - start);
    return 0;
  }
  if (rc < 0) {
    close(s);
    errno = EIO;
    return -1;
  }
  uint8_t sense_len = rh[3];
  uint32_t data_len;
  memcpy(&data_len, rh + 4, 4);
  uint8_t sense[256];
  if (sense_len && read_all(s, sense, sense_len, deadline)) {
    close(s);
    errno = EIO;
    return -1;
  }
  uint32_t copied = 0;
  uint8_t scratch[65536];
  while (copied < data_len) {
    uint32_t chunk = data_len - copied;
    uint8_t *dst;
    if (dir == 2 && copied < dxfer) {
      if (chunk > dxfer - copied) chunk = dxfer - copied;
      dst = (uint8_t *)h->dxferp + copied;
    } else {
      /* Overrun: the device sent more than the buffer holds; the excess is dropped. */
      if (chunk > sizeof scratch) chunk = sizeof scratch;
      dst = scratch;
    }
    if (read_all(s, dst, chunk, deadline)) {
      close(s);
      errno = EIO;
      return -1;
    }
    copied += chunk;
  }
  close(s);
  uint32_t transferred = dir == 2 ? (data_len < dxfer ? data_len : dxfer) : (dir == 1 ? dxfer : 0);
  h->status = rh[0];
  h->masked_status = (unsigned char)((rh[0] >> 1) & 0x7f);
  h->host_status = rh[1];
  h->driver_status = rh[2];
  unsigned char wr = sense_len < h->mx_sb_len ? sense_len : h->mx_sb_len;
  if (wr && h->sbp) memcpy(h->sbp, sense, wr);
  h->sb_len_wr = wr;
  if (sense_len) h->driver_status |= 0x08; /* DRIVER_SENSE */
  h->resid = (int)(dxfer - transferred);
  h->info = (h->status || h->host_status || h->driver_status) ? SG_INFO_CHECK : SG_INFO_OK;
  h->duration = (unsigned)(now_ms() - start);
  return 0;
}

int ioctl(int fd, unsigned long request, ...) {
  static ioctl_fn real_ioctl;
  if (!real_ioctl) real_ioctl = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  char path[4096];
  if ((request == SG_IO || request == SG_GET_VERSION_NUM) && marked(fd, path, sizeof path)) {
    if (request == SG_GET_VERSION_NUM) {
      *(int *)arg = 30536; /* sg driver 3.5.36, as current kernels report */
      return 0;
    }
    return forward_sg_io(path, (sg_io_hdr_t *)arg);
  }
  return real_ioctl(fd, request, arg);
}
