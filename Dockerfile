# Build stage: compile the release binary.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
# Pages are compiled in (askama templates, stylesheet and script); the bench and example
# sources only need to exist for the manifest.
COPY templates ./templates
COPY static ./static
COPY benches ./benches
COPY examples ./examples
RUN cargo build --release --locked --bin centre-directory

# Runtime stage: a small image with the binary, the shipped data and CA certificates.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin directory \
    && mkdir -p /app/var \
    && chown directory /app/var
WORKDIR /app
COPY --from=build /src/target/release/centre-directory /usr/local/bin/centre-directory
COPY data ./data
USER directory
ENV BIND=0.0.0.0:8080 \
    DATABASE_URL=/app/var/directory.db \
    DATA_DIR=/app/data \
    RUST_LOG=info
EXPOSE 8080
VOLUME ["/app/var"]
ENTRYPOINT ["centre-directory"]
CMD ["serve"]
