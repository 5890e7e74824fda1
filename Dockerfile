# One image for every Proctor app; the app is chosen by the command, e.g.
#   docker run proctor dist/apps/agents/src/main.js
# Build stage: all dependencies, then the TypeScript build into dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY tools/build ./tools/build
COPY libs ./libs
COPY apps ./apps
RUN node tools/build/build.js

# Production dependencies only, in a stage of their own so that dev tools never reach the image.
FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime-base
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The database provisioning CLI (docker-compose's db-setup service).
COPY tools/dev/database.js tools/dev/provision.js ./tools/dev/

# The lab daemon (`--target agentd`): it also runs iperf3 for network exercises, which no service needs.
FROM runtime-base AS agentd
RUN apt-get update \
 && apt-get install -y --no-install-recommends iperf3 \
 && rm -rf /var/lib/apt/lists/*
USER node
ENTRYPOINT ["node"]
CMD ["dist/apps/agentd/src/main.js"]

# The default target (the last stage): the services, the gateway and hostd.
FROM runtime-base AS runtime
USER node
ENTRYPOINT ["node"]
CMD ["dist/apps/gateway/src/main.js"]
