# Build once, run the compiled API with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts scripts
COPY apps apps
COPY libs libs
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production TS_NODE_BASEURL=./dist
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY config config
COPY libs/policy/catalog libs/policy/catalog
COPY --from=build /app/dist dist
# The samhandling CLI (docker compose exec api npx samhandling --help); the image has no sources, so it never rebuilds.
COPY scripts scripts
COPY bin bin
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "-r", "tsconfig-paths/register", "dist/apps/api/src/main.js"]
