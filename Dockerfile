# juesuan in a container. Run it with a folder of yours mounted on /data, its working folder:
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/data" juesuan run samples/
# writes ./out (records, warehouse, report) beside your files; nothing is kept inside the image.
# `juesuan serve` needs a running Prefect server (`prefect server start`) named by
#   -e PREFECT_API_URL=http://HOST:4200/api
# without one it stops with exit 3: a schedule served on a temporary API would never run.
FROM python:3.11-slim

LABEL org.opencontainers.image.title="juesuan" \
      org.opencontainers.image.description="Budget and final-account disclosures (PDF) to verified records" \
      org.opencontainers.image.licenses="Apache-2.0" \
      juesuan.serve.requires="PREFECT_API_URL of a running Prefect server (prefect server start); serve exits 3 without it"

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    PREFECT_HOME=/tmp/prefect

WORKDIR /app
COPY constraints.txt pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY flows ./flows
# the pins of constraints.txt, the same file the README's install commands and CI use
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --no-log-init --uid 1000 --user-group juesuan \
    && mkdir /data \
    && chown juesuan:juesuan /data

# Not root: the user made above, by number (a host or Kubernetes' runAsNonRoot can check it).
# PREFECT_HOME (the ephemeral API's database) is under /tmp, writable whatever --user runs the
# image; that database need not outlive the container (a crawl's state is in the warehouse).
USER 1000:1000
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["juesuan"]
CMD ["--help"]
