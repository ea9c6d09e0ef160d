# zccache: cache every compile of login shells by putting the masquerade
# folder (gcc, cc, clang... links to zccache) first in PATH. When anything on
# the way to the cache fails, the real compiler runs, so this never breaks a
# build. Opt out with ZCCACHE_NO_PROFILE=1 in the environment before login,
# or take /usr/lib/zccache out of PATH in your own shell startup file.
if [ -z "${ZCCACHE_NO_PROFILE:-}" ] && [ -d /usr/lib/zccache ]; then
	case ":${PATH}:" in
	*:/usr/lib/zccache:*) ;;
	*) PATH="/usr/lib/zccache:${PATH}" ;;
	esac
fi
