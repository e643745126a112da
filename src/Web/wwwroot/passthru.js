// The few things the dashboard asks of the browser itself.
window.passthru = {
    // Copy text (a <hostdev> XML, a token) to the clipboard; false where the browser does not allow it.
    copy: async (text) => {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            return false;
        }
    },
    // Remember the light or dark choice for a year; null forgets it (follow the system).
    rememberTheme: (value) => {
        document.cookie = value
            ? `PassthruTheme=${value}; path=/; max-age=31536000; samesite=strict`
            : "PassthruTheme=; path=/; max-age=0; samesite=strict";
    },
    // Bring an element (a guest's card named in the address) into view.
    reveal: (id) => {
        document.getElementById(id)?.scrollIntoView({ block: "start", behavior: "smooth" });
    },
};
