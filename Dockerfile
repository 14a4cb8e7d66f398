FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=jiading_union.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 app
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY jiading_union ./jiading_union
COPY members ./members
COPY projects ./projects
COPY subsidies ./subsidies
RUN pip install -c constraints.txt -e .
COPY . .
# collectstatic needs settings; a throwaway key is fine at build time.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R app:app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "jiading_union.wsgi:application", "--config", "gunicorn.conf.py"]
