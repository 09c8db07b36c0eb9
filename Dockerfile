# syntax=docker/dockerfile:1

# Build: full dependencies, compile, then drop the dev ones. Build tools are there in case better-sqlite3 has no
# prebuilt binary for this platform and must compile.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Sources come after the install (better layer caching), so the prepare script (a build) is skipped here.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json vite.config.ts ./
COPY scripts ./scripts
COPY src ./src
COPY projections ./projections
RUN npm run build && npm prune --omit=dev

# Runtime: the same base image (native modules match), compiled code and production dependencies only.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
