"use strict";
// Says so when the last sign-in failed (/login?failed=1).
document.getElementById("failed").hidden = !location.search.includes("failed=1");
