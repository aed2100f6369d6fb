# Voxgate gateway image. Build: docker build -t voxgate .   Run: see docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
# node-llama-cpp's GPU binaries are replaced by empty packages (package.json overrides, ADR 0017).
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
# The offline engines of @voxgate/local-voice (loaded at run time through koffi; docs/local-voice.md):
# flite (BSD-like), espeak-ng (GPL-3.0, a separate shared library), pocketsphinx + its en-us model (BSD-2).
# jemalloc (BSD-2) as the process's allocator: RSS back near idle after load (1.05x against glibc's 1.2x)
# at the same CPU (docs/performance.md, tenth round); LD_PRELOAD= (empty) at run time goes back to glibc.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
     libflite1 libespeak-ng1 libpocketsphinx3 pocketsphinx-en-us libjemalloc2 \
  && ln -s "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2)" /usr/local/lib/libjemalloc.so.2 \
  && rm -rf /var/lib/apt/lists/*
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 MALLOC_CONF=narenas:1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/gateway/src/main.js"]
