/* A C program against the installed GGemm::MGPU target alone. */
#include "ggemm/Runtime/MGPU.h"

#include <stdio.h>

int main(void) {
  int64_t before = ggemmMgpuErrorCount();
  void *p = mgpuMemAlloc(16, NULL, false);
  printf("mgpu (C): errors before %lld, after %lld, pointer %s\n",
         (long long)before, (long long)ggemmMgpuErrorCount(),
         p ? "set" : "null");
  return 0;
}
