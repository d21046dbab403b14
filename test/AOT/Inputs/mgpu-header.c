/* A C program against the installed mgpu* header and library. */
#include "ggemm/Runtime/MGPU.h"

#include <stdio.h>

int main(void) {
  /* Nothing failed yet; with the stub driver the allocation fails, is
     reported and counted. */
  int64_t before = ggemmMgpuErrorCount();
  void *p = mgpuMemAlloc(16, NULL, false);
  printf("before %lld, after %lld, pointer %s\n", (long long)before,
         (long long)ggemmMgpuErrorCount(), p ? "set" : "null");
  return 0;
}
