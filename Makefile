# ClaimCheck. `make` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Development values for a local run; production sets real ones in the environment.
DEV_ENV := DEBUG=1 SECRET_KEY=dev-only-insecure-key SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://127.0.0.1:8000 \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

# The suite runs with production-like settings (DEBUG off), minus the HTTPS redirect.
TEST_ENV := SECRET_KEY=test-only-insecure-key DEBUG=0 SECURE_SSL_REDIRECT=0

# Tools of the browser tests (tests/web/browser/), outside git: Debian's Chromium and Java from
# apt-get, and these npm packages in .cache/node (pinned).
AXE_CORE_VERSION := 4.14.1
VNU_JAR_VERSION := 26.9.27
NODE_CACHE := .cache/node
NODE_STAMP := $(NODE_CACHE)/.installed-axe-core-$(AXE_CORE_VERSION)-vnu-jar-$(VNU_JAR_VERSION)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Playwright for Python drives the system Chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.DEFAULT_GOAL := help
.PHONY: help install run worker test test-postgres lint format migrate starter-data check-deploy clean \
	browser-deps mutation

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv with the machine's python3 and install the pinned requirements

run: install ## Migrate, load the starter data, start a job worker and serve http://127.0.0.1:8000/
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_starter_data
	@# The job worker (with the schedule) runs beside the server and stops with it.
	$(DEV_ENV) $(BIN)/celery -A claimcheck worker --beat --pool=solo --loglevel=WARNING & \
		worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

worker: install ## Run a job worker with the schedule (what `make run` starts beside the server)
	$(DEV_ENV) $(BIN)/celery -A claimcheck worker --beat --pool=solo --loglevel=INFO

test: install browser-deps ## Run the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

browser-deps: install ## Install what the browser tests need: Chromium, Java, axe-core, vnu-jar
	@missing=""; \
	[ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# --ignore-scripts: vnu-jar's install script would download a Java runtime; Debian's is used.
	@[ -f $(NODE_STAMP) ] || { \
		echo "npm install axe-core@$(AXE_CORE_VERSION) vnu-jar@$(VNU_JAR_VERSION) into $(NODE_CACHE)"; \
		rm -rf $(NODE_CACHE) && mkdir -p $(NODE_CACHE) && \
		npm install --prefix $(NODE_CACHE) --ignore-scripts --no-save --no-audit --no-fund \
			--loglevel=error axe-core@$(AXE_CORE_VERSION) vnu-jar@$(VNU_JAR_VERSION) >/dev/null && \
		touch $(NODE_STAMP); }

mutation: install ## Mutation testing (mutmut) of the rules that matter; MUTATION_ARGS="--target NAME" or "--changed-since REF"
	$(TEST_ENV) $(BIN)/python bench/mutation.py $(MUTATION_ARGS)

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install ## Apply migrations to the configured database
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input

starter-data: install ## Load (or refresh) the curated starter data
	$(DEV_ENV) $(BIN)/python manage.py load_starter_data

check-deploy: install ## Django's deployment checks under production settings
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=claimcheck.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtualenv, caches and the local SQLite database
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .hypothesis staticfiles claimcheck.sqlite3 claimcheck.sqlite3-wal claimcheck.sqlite3-shm .coverage
