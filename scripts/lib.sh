# Shared helpers for Berth's scripts. Source it; it does nothing on its own.

# Runs a command as root, through sudo when the caller is not root.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

# Prints a step heading.
say() {
  printf '\033[1m==> %s\033[0m\n' "$*"
}

# The repository's root.
repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Puts the project's own tools first on PATH: npm's wasm-opt (binaryen 132) must win over any
# older system binaryen, and cargo-installed tools must be found.
use_project_path() {
  local root; root=$(repo_root)
  export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
}
