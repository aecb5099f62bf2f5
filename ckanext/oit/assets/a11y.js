/* Accessibility fixes for markup that CKAN's table preview (datatables_view,
 * inside its own iframe page) builds in JavaScript, where no template of ours
 * can reach: the column filter boxes and KeyTable's keyboard-capture box (a
 * hidden input in the focused cell) get a name, and DataTables' resize detector
 * (an empty iframe behind the table) leaves the accessibility tree. */
(function () {
  'use strict';
  var thai = (document.documentElement.lang || '').indexOf('th') === 0;

  function columnName(input) {
    var cell = input.closest('th, td');
    var head = cell && cell.closest('thead');
    var titles = head && head.rows[0];
    var title = titles && titles.cells[cell.cellIndex];
    // the column title (without its info icon), else the field name in the input's id
    var name = title ? title.textContent.replace(/\s+/g, ' ').trim() : '';
    return name || (input.id || '').replace(/^dtcol-|-\d+$/g, '');
  }

  function fix(root) {
    root.querySelectorAll('input.fhead:not([aria-label])').forEach(function (input) {
      var name = columnName(input);
      input.setAttribute('aria-label', (thai ? 'กรองคอลัมน์ ' : 'Filter column ') + name);
    });
    root.querySelectorAll('table input[type=text]:not([name]):not([aria-label])').forEach(function (input) {
      input.setAttribute('aria-label', thai ? 'ตารางข้อมูล: เลื่อนระหว่างช่องด้วยปุ่มลูกศร'
                                            : 'Data table: move between cells with the arrow keys');
    });
    root.querySelectorAll('iframe:not([title])').forEach(function (frame) {
      if ((frame.getAttribute('src') || 'about:blank') !== 'about:blank') return;
      frame.setAttribute('aria-hidden', 'true');
      frame.setAttribute('tabindex', '-1');
      frame.setAttribute('title', '');
    });
  }

  function start() {
    if (!document.body.classList.contains('dt-view')) return;
    fix(document);
    new MutationObserver(function () { fix(document); })
      .observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
