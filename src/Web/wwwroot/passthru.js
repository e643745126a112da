// The few things the dashboard asks of the browser itself.
window.passthru = {
    // Copy text (a <hostdev> XML) to the clipboard; false where the browser does not allow it.
    copy: async (text) => {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            return false;
        }
    },
};
