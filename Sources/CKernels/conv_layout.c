// Plane copies between images and the direct convolution's flat padded rows (ck_conv.h). One call per plane: a
// row is often only 7–32 floats, where a libc memmove per row costs more than the copy.
#include "ck_conv.h"

typedef float ck_v8c __attribute__((ext_vector_type(8), aligned(4)));
typedef float ck_v4c __attribute__((ext_vector_type(4), aligned(4)));

// no_builtin: keeps the compiler from turning the tail loops back into memmove calls. A row's last partial vector is
// a full vector ending at the row's end, overlapping the one before it: it stores the same values again (source and
// destination never overlap), so rows of 5–7 or 26 floats need no scalar tail.
__attribute__((no_builtin("memcpy", "memmove"))) void ck_copy_plane(const float *src, ptrdiff_t src_stride,
                                                                    float *dst, ptrdiff_t dst_stride,
                                                                    ptrdiff_t rows, ptrdiff_t width, float bias) {
  const ck_v8c b = (ck_v8c)bias;
  const ck_v4c b4 = (ck_v4c)bias;
  for (ptrdiff_t r = 0; r < rows; r++) {
    const float *s = src + r * src_stride;
    float *d = dst + r * dst_stride;
    if (width >= 8) {
      ptrdiff_t j = 0;
      for (; j + 8 <= width; j += 8) *(ck_v8c *)(d + j) = *(const ck_v8c *)(s + j) + b;
      if (j < width) *(ck_v8c *)(d + width - 8) = *(const ck_v8c *)(s + width - 8) + b;
    } else if (width >= 4) {
      *(ck_v4c *)d = *(const ck_v4c *)s + b4;
      *(ck_v4c *)(d + width - 4) = *(const ck_v4c *)(s + width - 4) + b4;
    } else {
      for (ptrdiff_t j = 0; j < width; j++) d[j] = s[j] + bias;
    }
  }
}

float ck_sum(const float *x, ptrdiff_t n) {
  ck_v8c a0 = (ck_v8c)0, a1 = (ck_v8c)0;
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 += *(const ck_v8c *)(x + i);
    a1 += *(const ck_v8c *)(x + i + 8);
  }
  for (; i + 8 <= n; i += 8) a0 += *(const ck_v8c *)(x + i);
  ck_v8c a = a0 + a1;
  float s = ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
  for (; i < n; i++) s += x[i];
  return s;
}
