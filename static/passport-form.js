// Opens the Ring section by itself when the piece is a ring. The form
// works the same without this.
(function () {
  var type = document.getElementById("jewellery_type");
  var ring = document.getElementById("ring-section");
  if (!type || !ring) return;
  type.addEventListener("input", function () {
    if (type.value.trim().toLowerCase() === "ring") ring.open = true;
  });
})();
