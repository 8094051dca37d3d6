// Random-read throughput over a large buffer with software prefetches into L1 (prefetcht0) and/or
// L2 (prefetcht2): how many cache-line misses this machine keeps in flight. Cited in BENCHMARKS.md
// (PDQ matching). Usage: cc -O2 -o /tmp/prefetch-microbench Benchmarks/prefetch-microbench.c &&
// /tmp/prefetch-microbench MEGABYTES L1_AHEAD L2_AHEAD MODE   (MODE 1: uniform random lines;
// 2: three of four reads near the previous one; 3: the same 8,192 random lines over and over, so
// they stay cached and what remains is the cost of reaching their pages).
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <xmmintrin.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  if(argc!=5){fprintf(stderr,"usage: %s MEGABYTES L1_AHEAD L2_AHEAD MODE(1|2|3)\n",argv[0]);return 2;}
  size_t mb=atol(argv[1]); int ahead=atoi(argv[2]); int far=atoi(argv[3]); int mode=atoi(argv[4]);
  if(mb<1||ahead<0||far<0||(mode<1||mode>3)){fprintf(stderr,"%s: MEGABYTES ≥ 1, distances ≥ 0, MODE 1, 2 or 3\n",argv[0]);return 2;}
  size_t bytes=mb<<20; void*p;
  if(posix_memalign(&p,2<<20,bytes)!=0){fprintf(stderr,"%s: cannot allocate %zu MB\n",argv[0],mb);return 1;}
  madvise(p,bytes,MADV_HUGEPAGE);
  memset(p,1,bytes);
  size_t lines=bytes/64; size_t n=4000000;
  uint32_t*idx=malloc(n*4); if(!idx){fprintf(stderr,"%s: out of memory\n",argv[0]);return 1;} uint64_t x=88172645463325252ull;
  for(size_t i=0;i<n;i++){x^=x<<13;x^=x>>7;x^=x<<17;idx[i]=x%lines; if(mode==2 && (i&3)) idx[i]=(idx[i-1]+1+(x>>40)%3)%lines; if(mode==3 && i>=8192) idx[i]=idx[i%8192];}
  uint64_t s=0; const char*b=p;
  double t0=now();
  for(size_t i=0;i<n;i++){
    if(far && i+far<n) _mm_prefetch(b+64ull*idx[i+far], _MM_HINT_T2);
    if(ahead && i+ahead<n) _mm_prefetch(b+64ull*idx[i+ahead], _MM_HINT_T0);
    s+=*(const uint64_t*)(b+64ull*idx[i]); }
  double t=now()-t0;
  printf("%zu MB t0 ahead %d t2 far %d mode %d: %.1f ns per access (%lu)\n",mb,ahead,far,mode,t/n*1e9,s&1);
}
