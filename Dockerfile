# Ichnos container: `ichnos start` (migrate, web and worker) by default.
# Build (from the repository root): docker build -t ichnos --build-arg COMMIT=$(git rev-parse HEAD) .
# deploy/docker-compose.yml builds it with the root as context.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
# src/ → dist/ (plain JavaScript and the site's assets) and dist/.build-stamp.
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: the image runs the compiled dist/.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ARG COMMIT=unknown
ARG VERSION=0.1.0
ENV NODE_ENV=production \
    ICHNOS_PORT=8000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
# No src/ in the image: bin/ichnos runs dist/ as it is (bin/dist.mjs).
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY data ./data
# var/exports and var/archive exist in the image so volumes mounted there start owned by the node user.
RUN printf '{"source":"ichnos","version":"%s","commit":"%s","build":"docker"}\n' "$VERSION" "$COMMIT" > version.json \
 && mkdir -p var/exports var/archive \
 && chown -R node:node /app
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.ICHNOS_PORT||8000)+'/__lbheartbeat__').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["bin/ichnos"]
CMD ["start"]
