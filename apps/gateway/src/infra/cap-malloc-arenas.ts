import { capMallocArenas, GATEWAY_MALLOC_ARENAS } from './malloc-arenas';

/*
 * Imported first by each process's entry point (the gateway's and the batch worker's `main`), for its
 * effect: glibc's malloc arenas are capped before any other module loads (`capMallocArenas` says why it
 * must be that early). `MALLOC_ARENA_MAX` in the environment overrides it.
 */
capMallocArenas(GATEWAY_MALLOC_ARENAS);
