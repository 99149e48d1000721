# One image for every process; the command chooses the role (see Procfile):
#   web:    the default command
#   worker: celery -A chatsphere worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle --without-heartbeat
#   beat:   celery -A chatsphere beat --loglevel=INFO --schedule /srv/chatsphere/var/celerybeat-schedule
# Configuration comes from the environment (docs/configuration.md); /srv/chatsphere/var holds
# uploads and must be the same volume for web processes and workers.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHATSPHERE_VAR_DIR=/srv/chatsphere/var \
    DJANGO_MEDIA_ROOT=/srv/chatsphere/var/media \
    DJANGO_STATIC_ROOT=/srv/chatsphere/app/staticfiles

RUN useradd --system --home-dir /srv/chatsphere --shell /usr/sbin/nologin chatsphere \
    && mkdir -p /srv/chatsphere/app /srv/chatsphere/var \
    && chown chatsphere:chatsphere /srv/chatsphere/var

WORKDIR /srv/chatsphere/app
COPY requirements.txt .
RUN pip install --require-hashes --requirement requirements.txt

COPY . .
# Static files are collected at build time; the throwaway key and host only let settings load.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost CHATSPHERE_EMAIL=disabled \
    CHATSPHERE_VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var

USER chatsphere
VOLUME ["/srv/chatsphere/var"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz/', timeout=4)"
CMD ["python", "-m", "chatsphere.serve", "--bind", "0.0.0.0", "--port", "8000", "--application-close-timeout", "30", "chatsphere.asgi:application"]
