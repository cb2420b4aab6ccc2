# syntax=docker/dockerfile:1
#
# The Scanlogin service as a container image:   docker build -t scanlogin .
#
# It runs the scripts CI runs, so the image and the tests cannot drift apart
# (e2e/container.test.ts checks this file against them):
#   build    npm ci, then scripts/pack.mjs: `npm run build` and `npm pack` of every package,
#            the tarballs e2e/release/packages.test.ts installs and tests;
#   install  the server's tarball (and the protocol's, which it needs) installed with npm into
#            an empty project, as that test installs them, production dependencies only;
#   run      `scanlogin serve`, the command that test starts.
# The final image holds Node, that project and nothing else: no sources, no dev dependencies,
# no compiler.

ARG NODE_VERSION=20

# --- build: the repository, compiled and packed ------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
# The manifests first, so that a change to the sources does not reinstall the dependencies.
COPY package.json package-lock.json .npmrc ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/verify/package.json packages/verify/
COPY packages/app-sdk/package.json packages/app-sdk/
COPY packages/web-sdk/package.json packages/web-sdk/
COPY packages/server/package.json packages/server/
COPY apps/companion/package.json apps/companion/
COPY apps/demo/package.json apps/demo/
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/pack.mjs --out /tarballs

# --- install: the packed server, as an integrator installs it ----------------------------
# In the full Debian image: better-sqlite3 compiles here when no prebuilt binary is at hand,
# and the compiler stays behind in this stage.
FROM node:${NODE_VERSION}-bookworm AS install
WORKDIR /app
COPY --from=build /tarballs/ /tarballs/
RUN echo '{ "name": "scanlogin-image", "private": true }' > package.json \
  && npm install --omit=dev --no-audit --no-fund \
    /tarballs/scanlogin-protocol-*.tgz /tarballs/scanlogin-server-*.tgz \
  && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
# A user of its own; the code belongs to root, so the service cannot rewrite it.
RUN groupadd --system --gid 10001 scanlogin \
  && useradd --system --uid 10001 --gid scanlogin --home-dir /nonexistent --shell /usr/sbin/nologin scanlogin \
  && mkdir /data && chown scanlogin:scanlogin /data && chmod 0700 /data
COPY --from=install /app /app
WORKDIR /app
USER scanlogin
# The embedded SQLite file, its keys and a self-signed certificate, if any. Unused (but harmless)
# with DATABASE_URL and REDIS_URL.
VOLUME ["/data"]
EXPOSE 3000
# /health answers 200 while the storage answers (503 when PostgreSQL or Redis does not). Once
# the service has /health/ready (a readiness check that also covers startup), that is the
# better target. Plain HTTP: TLS is expected to end at a proxy in front (with HTTPS or
# TLS_CERT set here, point this at https:// instead). Node's fetch, as the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The bin itself, not `npx scanlogin` or `npm start`: npx does not pass SIGTERM on, and the
# service drains its requests and closes its storage on SIGTERM (docker stop).
CMD ["/app/node_modules/.bin/scanlogin", "serve"]
